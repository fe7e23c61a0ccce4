package dev.infersweep.cli;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sweep plan}: validates a grid and says what a run would do, without starting Spark. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Validate a grid file and print its runs and rows, without running anything.")
public final class PlanCommand implements Callable<Integer> {
  @Option(names = "--grid", required = true, paramLabel = "FILE", description = "Grid file (YAML).")
  Path grid;

  @Option(names = "--rows-only", description = "Print only the number of result rows (for scripts).")
  boolean rowsOnly;

  @Override
  public Integer call() {
    System.out.print(execute());
    System.out.flush();
    return Main.OK;
  }

  /** The plan as text. */
  public String execute() {
    GridConfig c = GridLoader.load(grid);
    if (rowsOnly) {
      return c.rowCount() + "\n";
    }
    GridConfig.Axes a = c.grid();
    return String.format(
        "grid %s (%s)%n"
            + "  runs: %d = optimizer %s × weight_decay %s × activation_scale %s × seed %s%n"
            + "  rows: %d = runs × epochs %s × precision %s × batch_sizes %s × protocol %s%n"
            + "  max_rows: %d%s%n",
        c.name(),
        c.file(),
        c.runCount(),
        a.optimizer(),
        a.weightDecay(),
        a.activationScale(),
        a.seed(),
        c.rowCount(),
        a.epochs(),
        a.precision(),
        c.timing().batchSizes(),
        a.protocol(),
        c.maxRows(),
        c.rowCount() > c.maxRows() ? " (exceeded: run needs --allow-large)" : "");
  }
}
