package dev.infersweep.result;

import dev.infersweep.spec.Axis;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import java.io.Serializable;
import java.time.Instant;

/**
 * One measurement cell of one run. {@code training} is null when training failed before the cell's
 * checkpoint; {@code diagnostics} is null when the model could not be read in the row's precision.
 *
 * @param cell the cell-level axes' values
 * @param calibrationStartNanos the task's reference workload time when it started (null if the task
 *     failed before)
 * @param calibrationEndNanos the same when it ended
 * @param file the model file the row's model was read from; null for a model trained in the sweep
 */
public record ResultRow(
    RunSpec run,
    Point cell,
    Environment environment,
    TrainingState training,
    Diagnostics diagnostics,
    Outcome outcome,
    Long calibrationStartNanos,
    Long calibrationEndNanos,
    Instant measuredAt,
    ModelFile file)
    implements Serializable {

  /** The value of any axis, run-level or cell-level. */
  public <T> T value(Axis<T> axis) {
    return cell.has(axis) ? cell.get(axis) : run.get(axis);
  }

  public RowStatus status() {
    return outcome.status();
  }

  /** The measurement, or null unless the status is ok. */
  public Measurement measurement() {
    return outcome.measurementOrNull();
  }

  public String rowId() {
    return run.rowId(cell);
  }
}
