package dev.infersweep.result;

import dev.infersweep.precision.Precision;
import dev.infersweep.probe.Diagnostics;
import dev.infersweep.run.RunSpec;
import dev.infersweep.timing.Protocol;
import dev.infersweep.train.Checkpoint;
import java.io.Serializable;
import java.time.Instant;

/**
 * One measurement cell of one run. {@code checkpoint} is null when training failed before reaching
 * it; {@code measurement} is null unless {@code status} is {@code ok}; {@code diagnostics} is null
 * when the model could not be built in the row's precision.
 *
 * @param calibrationStartNanos the task's reference workload time when it started (null if the task
 *     failed before)
 * @param calibrationEndNanos the same when it ended
 */
public record ResultRow(
    RunSpec run,
    int epochs,
    Precision precision,
    int batchSize,
    Protocol protocol,
    Environment environment,
    Checkpoint checkpoint,
    Diagnostics diagnostics,
    Measurement measurement,
    Long calibrationStartNanos,
    Long calibrationEndNanos,
    Instant measuredAt,
    String status,
    String error)
    implements Serializable {

  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String UNSUPPORTED = "unsupported";

  public String rowId() {
    return run.rowId(epochs, precision, batchSize, protocol);
  }
}
