package dev.infersweep.grid;

import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Ids;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import java.util.ArrayList;
import java.util.List;

/** Expands a grid into training runs, one per combination of the run-level axes, in file order. */
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
    List<RunSpec> runs = new ArrayList<>();
    for (Point settings : config.axes().points(Axes.RUN)) {
      String runId = Ids.of(RunSpec.canonical(config.model(), config.data(), config.regime(), settings, device));
      runs.add(
          new RunSpec(
              sweepId,
              sweepDate,
              config.name(),
              runId,
              runs.size(),
              config.model(),
              config.data(),
              config.regime(),
              config.trainTimeoutSeconds(),
              settings,
              config.axes().only(Axes.CELL),
              config.timing(),
              threads,
              device));
    }
    return List.copyOf(runs);
  }
}
