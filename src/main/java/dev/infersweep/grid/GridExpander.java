package dev.infersweep.grid;

import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Ids;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands a grid into runs: for a declared or TorchScript model one training run per combination of
 * the run-level axes, in file order; for a read source one run per listed file.
 */
public final class GridExpander {
  private GridExpander() {}

  /**
   * The grid's runs.
   *
   * @param sweepId the sweep's identifier, carried into every row
   * @param sweepDate the sweep's date as YYYY-MM-DD
   * @param threads PyTorch intra-op threads per task
   * @param device where the runs train and are timed
   */
  public static List<RunSpec> expand(
      GridConfig config, String sweepId, String sweepDate, int threads, DeviceKind device) {
    config.rowCount(); // refuses a grid too large to count before anything is built
    if (config.data() instanceof DataSpec.Table table && !table.isRead()) {
      // Run ids hash the table's content: the driver reads it first (spark.TrainingTable).
      throw new IllegalStateException("the table " + table.path() + " must be read before the grid is expanded");
    }
    if (config.model() instanceof ModelSource source && !source.isListed()) {
      throw new IllegalStateException("the files of " + source.describe() + " must be listed before the grid is expanded");
    }
    // A read source is one run per listed file; any other model one per combination of the run axes.
    List<ModelSpec> models = config.model() instanceof ModelSource source
        ? List.copyOf(source.listed())
        : List.of(config.model());
    List<RunSpec> runs = new ArrayList<>();
    for (ModelSpec model : models) {
      for (Point settings : config.axes().points(Axes.RUN)) {
        runs.add(run(config, model, settings, sweepId, sweepDate, runs.size(), threads, device));
      }
    }
    return List.copyOf(runs);
  }

  private static RunSpec run(
      GridConfig config, ModelSpec model, Point settings, String sweepId, String sweepDate, int index, int threads,
      DeviceKind device) {
    String runId = Ids.of(RunSpec.canonical(model, config.data(), config.regime(), settings, device));
    return new RunSpec(
              sweepId,
              sweepDate,
              config.name(),
              runId,
              index,
              model,
              config.data(),
              config.regime(),
              config.trainTimeoutSeconds(),
              settings,
              config.axes().only(Axes.CELL),
              config.timing(),
              threads,
              device);
  }
}
