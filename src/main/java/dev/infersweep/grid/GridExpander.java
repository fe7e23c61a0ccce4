package dev.infersweep.grid;

import dev.infersweep.run.Ids;
import dev.infersweep.run.RunSpec;
import java.util.ArrayList;
import java.util.List;

/** Expands a grid into training runs, one per combination of the run-level axes. */
public final class GridExpander {
  private GridExpander() {}

  /**
   * @param sweepId the sweep's identifier, carried into every row
   * @param sweepDate the sweep's date as YYYY-MM-DD
   * @param threads PyTorch intra-op threads per task
   * @param device {@code cpu}
   */
  public static List<RunSpec> expand(
      GridConfig config, String sweepId, String sweepDate, int threads, String device) {
    List<RunSpec> runs = new ArrayList<>();
    GridConfig.Axes axes = config.grid();
    // Run-level axes: optimizer × weight decay × activation scale × seed, in file order.
    for (String optimizer : axes.optimizer()) {
      for (double weightDecay : axes.weightDecay()) {
        for (double scale : axes.activationScale()) {
          for (long seed : axes.seed()) {
            runs.add(run(config, sweepId, sweepDate, threads, device, runs.size(), optimizer, weightDecay, scale, seed));
          }
        }
      }
    }
    return List.copyOf(runs);
  }

  private static RunSpec run(
      GridConfig config,
      String sweepId,
      String sweepDate,
      int threads,
      String device,
      int index,
      String optimizer,
      double weightDecay,
      double scale,
      long seed) {
    String runId =
        Ids.of(
            RunSpec.canonical(
                config.model(), config.data(), optimizer, config.learningRate(), weightDecay, scale, seed, device));
    GridConfig.Axes axes = config.grid();
    return new RunSpec(
        sweepId,
        sweepDate,
        config.name(),
        runId,
        index,
        config.model(),
        config.data(),
        optimizer,
        config.learningRate(),
        config.trainTimeoutSeconds(),
        weightDecay,
        scale,
        seed,
        axes.epochs(),
        axes.precision(),
        axes.protocol(),
        config.timing(),
        threads,
        device);
  }
}
