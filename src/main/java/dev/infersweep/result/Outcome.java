package dev.infersweep.result;

import java.io.Serializable;

/** What became of one measurement cell: measured, failed, or unsupported. */
public sealed interface Outcome extends Serializable
    permits Outcome.Measured, Outcome.Failed, Outcome.Unsupported {

  /** The row status this outcome gives. */
  RowStatus status();

  /**
   * A measurement.
   *
   * @param measurement the timing figures
   */
  record Measured(Measurement measurement) implements Outcome {
    @Override
    public RowStatus status() {
      return RowStatus.OK;
    }
  }

  /**
   * A failure.
   *
   * @param error what went wrong, one line
   * @param trace the stack trace behind it (bounded, {@link Failures#trace}); null for a failure
   *     that is no exception (a timer that kept too few rounds, say)
   */
  record Failed(String error, String trace) implements Outcome {
    /** A failure without an exception behind it. */
    public Failed(String error) {
      this(error, null);
    }

    /** The failure {@code t} is: its line and its trace. */
    public static Failed of(Throwable t) {
      return new Failed(Failures.describe(t), Failures.trace(t));
    }

    @Override
    public RowStatus status() {
      return RowStatus.FAILED;
    }
  }

  /**
   * A precision the engine cannot run here.
   *
   * @param reason why, as one line of text
   */
  record Unsupported(String reason) implements Outcome {
    @Override
    public RowStatus status() {
      return RowStatus.UNSUPPORTED;
    }
  }

  /** The row's {@code error} text: null when measured. */
  default String error() {
    if (this instanceof Failed f) {
      return f.error();
    }
    return this instanceof Unsupported u ? u.reason() : null;
  }

  /** The row's {@code error_trace}: the stack trace of a failure, else null. */
  default String errorTrace() {
    return this instanceof Failed f ? f.trace() : null;
  }

  /** The measurement, or null when there is none. */
  default Measurement measurementOrNull() {
    return this instanceof Measured m ? m.measurement() : null;
  }
}
