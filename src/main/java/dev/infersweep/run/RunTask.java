package dev.infersweep.run;

import dev.infersweep.net.ReadModel;
import dev.infersweep.result.Diagnostics;
import dev.infersweep.result.Environment;
import dev.infersweep.result.Outcome;
import dev.infersweep.result.ResultRow;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import dev.infersweep.timing.Calibration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executor-side work for one run, as a pipeline of stages: open (engine, device, environment,
 * precision support, data) → train (checkpoints; the seed protocol inside the loop) → time the
 * rigorous cells → probe the models' state → assemble one row per cell. A calibration workload is
 * timed before and after.
 *
 * <p>It never throws: whatever goes wrong becomes rows with status {@code failed} (or
 * {@code unsupported}) and the error text, so Spark does not retry a deterministic failure and every
 * run returns exactly {@link RunSpec#expectedRows()} rows.
 */
public final class RunTask {
  /** Tasks running in this JVM now: recorded with each row as a noise indicator. */
  private static final AtomicInteger ACTIVE = new AtomicInteger();

  private RunTask() {}

  /** Runs {@code spec} on {@code executor} and returns its rows. */
  public static List<ResultRow> execute(RunSpec spec, Executor executor) {
    return execute(spec, executor, Shipped.NOTHING);
  }

  /**
   * Runs {@code spec} on {@code executor} and returns its rows.
   *
   * @param table the training table the driver read and shipped, for a run that trains on one
   */
  public static List<ResultRow> execute(RunSpec spec, Executor executor, TrainingSet table) {
    return execute(spec, executor, new Shipped(table, null, null));
  }

  /** Runs {@code spec} on {@code executor} with what the driver {@code shipped}, and returns its rows. */
  public static List<ResultRow> execute(RunSpec spec, Executor executor, Shipped shipped) {
    ACTIVE.incrementAndGet();
    try {
      if (spec.model() instanceof ReadModel) {
        return ReadTask.execute(spec, executor, shipped.files(), ACTIVE::get);
      }
      return pipeline(spec, executor, shipped.table(), shipped.checkpoints());
    } finally {
      ACTIVE.decrementAndGet();
    }
  }

  /**
   * The rows of a run that never ran (cancelled by the sweep's deadline, say): every cell failed
   * with {@code reason}.
   */
  public static List<ResultRow> notRun(RunSpec spec, String reason) {
    return RowAssembler.rows(
        spec, null, null, Trained.failed(new Outcome.Failed(reason)), Map.of(), Map.of(), null, null);
  }

  private static List<ResultRow> pipeline(RunSpec spec, Executor executor, TrainingSet table, CheckpointStore store) {
    Long calibrationStart = null;
    Environment environment = null;
    Opened opened = null;
    Outcome.Failed openError = null;
    try {
      calibrationStart = Calibration.measureNanos();
      OpenStage.Placement placement = OpenStage.place(spec, executor);
      environment = placement.environment();
      opened = OpenStage.open(spec, placement, table);
    } catch (Throwable t) {
      openError = Outcome.Failed.of(t);
    }
    Trained trained = Trained.failed(openError);
    Map<Point, Outcome> timed = Map.of();
    Map<ModelKey, Diagnostics> diagnostics = Map.of();
    if (opened != null) {
      trained = TrainStage.train(opened, ACTIVE::get);
      if (store != null) {
        trained = store.save(spec, trained);
      }
      timed = TimeStage.time(opened, trained, ACTIVE::get);
      diagnostics = ProbeStage.probe(opened, trained);
    }
    Long calibrationEnd = null;
    try {
      calibrationEnd = Calibration.measureNanos();
    } catch (Throwable t) {
      // Leave it null: the rows are still good.
    }
    return RowAssembler.rows(
        spec, opened, environment, trained, timed, diagnostics, calibrationStart, calibrationEnd);
  }
}
