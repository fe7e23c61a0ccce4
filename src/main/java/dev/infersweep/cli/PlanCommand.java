package dev.infersweep.cli;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ReadModel;
import dev.infersweep.spark.ReadSource;
import dev.infersweep.spark.TorchScriptFile;
import org.apache.hadoop.conf.Configuration;
import dev.infersweep.net.Network;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.DataSpec;
import java.nio.file.Path;
import java.util.Locale;
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

  @Option(names = "--name", description = "Print only the grid's name, as the sweep records it (for scripts).")
  boolean nameOnly;

  @Override
  public Integer call() {
    System.out.print(execute());
    System.out.flush();
    return Main.OK;
  }

  /** The plan as text. */
  public String execute() {
    GridConfig c = GridLoader.load(grid);
    if (nameOnly) {
      return c.name() + "\n";
    }
    if (rowsOnly) {
      return c.rowCount() + "\n";
    }
    // The plan names the run ids, which hash a TorchScript file's content: it is read and checked.
    c = TorchScriptFile.resolve(c, new Configuration(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    if (c.model() instanceof ModelSource) {
      return readPlan(c);
    }
    StringBuilder runs = new StringBuilder();
    for (Axis<?> axis : Axes.RUN) {
      runs.append(runs.length() == 0 ? "" : " × ").append(axis.name()).append(' ').append(labels(c, axis));
    }
    StringBuilder cells = new StringBuilder("runs");
    for (Axis<?> axis : Axes.CELL) {
      cells.append(" × ").append(axis.name()).append(' ').append(labels(c, axis));
    }
    return String.format(
        "grid %s (%s)%n%s%s  runs: %d = %s%n  rows: %d = %s%n  max_rows: %d%s%n",
        c.name(),
        c.file(),
        network(c),
        data(c),
        c.runCount(),
        runs,
        c.rowCount(),
        cells,
        c.maxRows(),
        c.exceedsMaxRows() ? " (exceeded: run needs --allow-large)" : "");
  }

  /**
   * A grid of models that are read: the files the listing found (each one run, one row per batch
   * size), and the one file the driver opens checked, as {@code run} would do before Spark starts.
   */
  private static String readPlan(GridConfig c) {
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    c = ReadSource.resolve(c, new Configuration(), new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
    ModelSource source = (ModelSource) c.model();
    StringBuilder files = new StringBuilder();
    for (ReadModel m : source.listed()) {
      files.append(String.format(Locale.ROOT, "    %s%s %s, %,d bytes%n", m.path(),
          m.steps() == null ? "" : " (steps " + m.steps() + ")", m.singleInput() ? m.inputs().get(0).describe() : m.inputs().toString(), m.bytes()));
    }
    StringBuilder cells = new StringBuilder("runs");
    for (Axis<?> axis : Axes.CELL) {
      if (c.axes().get(axis).size() > 1 || axis == Axes.BATCH_SIZE) {
        cells.append(" × ").append(axis.name()).append(' ').append(labels(c, axis));
      }
    }
    return String.format(Locale.ROOT, "grid %s (%s)%n%s  files:%n%s  runs: %d (one per file, nothing trained)%n"
            + "  rows: %d = %s%n  max_rows: %d%s%n",
        c.name(), c.file(), said.toString(java.nio.charset.StandardCharsets.UTF_8).replace("[infersweep] ", "  "),
        files, c.runCount(), c.rowCount(), cells, c.maxRows(),
        c.exceedsMaxRows() ? " (exceeded: run needs --allow-large)" : "");
  }

  /** The network and how it trains: layers, loss, the training path, the minibatch and its steps. */
  private static String network(GridConfig c) {
    String path =
        c.model() instanceof Network n && n.hasFastGradient()
            ? "hand-written gradients"
            : c.model() instanceof ScriptedModel s
                ? String.format(Locale.ROOT, "DJL autograd on the module's %,d parameters, read from the file once", s.parameterCount())
                : "DJL autograd";
    String batch =
        c.regime().batchSize() == 0
            ? "full batch"
            : "minibatch " + c.regime().batch(c.data()) + (c.data().fresh() ? ", fresh every step" : "");
    String steps =
        c.data() instanceof DataSpec.Table
            ? ""
            : String.format(Locale.ROOT, ", %d step(s) per epoch", c.regime().stepsPerEpoch(c.data()));
    return String.format(Locale.ROOT, "  network: %s (%s)%n  training: %s%s%s%n",
        c.model().describe(), path, batch, steps, c.regime().momentum() == 0 ? "" : ", momentum " + c.regime().momentum());
  }

  /** A table grid's data, as far as it is known without Spark; nothing for synthetic data. */
  private static String data(GridConfig c) {
    if (!(c.data() instanceof DataSpec.Table t)) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "  data: table %s, features %s, label %s, read when the sweep starts (at most %,d values)%n",
        t.path(), t.features(), t.label(), DataSpec.Table.MAX_VALUES);
  }

  private static String labels(GridConfig c, Axis<?> axis) {
    return c.axes().get(axis).stream().map(axis::label).toList().toString();
  }
}
