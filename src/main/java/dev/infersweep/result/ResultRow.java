package dev.infersweep.result;

import dev.infersweep.precision.Precision;
import dev.infersweep.run.RunSpec;
import dev.infersweep.timing.LatencyStats;
import dev.infersweep.train.Checkpoint;
import java.io.Serializable;
import java.time.Instant;

/**
 * One measurement cell of one run. {@code checkpoint} is null when training failed before reaching
 * it; {@code latency} is null unless {@code status} is {@code ok}.
 */
public record ResultRow(
    RunSpec run,
    int epochs,
    Precision precision,
    int batchSize,
    Environment environment,
    Checkpoint checkpoint,
    LatencyStats latency,
    Instant measuredAt,
    String status,
    String error)
    implements Serializable {

  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String UNSUPPORTED = "unsupported";

  public String rowId() {
    return run.rowId(epochs, precision, batchSize);
  }

  public static ResultRow ok(
      RunSpec run,
      int epochs,
      Precision precision,
      int batchSize,
      Environment environment,
      Checkpoint checkpoint,
      LatencyStats latency) {
    return new ResultRow(
        run, epochs, precision, batchSize, environment, checkpoint, latency, Instant.now(), OK, null);
  }

  /** A row that was not measured, with the reason; {@code checkpoint} may be null. */
  public static ResultRow notMeasured(
      RunSpec run,
      int epochs,
      Precision precision,
      int batchSize,
      Environment environment,
      Checkpoint checkpoint,
      String status,
      String error) {
    return new ResultRow(
        run, epochs, precision, batchSize, environment, checkpoint, null, Instant.now(), status, error);
  }
}
