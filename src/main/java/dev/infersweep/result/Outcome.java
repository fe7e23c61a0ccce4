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
   * A failure, as one line of text.
   *
   * @param error what went wrong
   */
  record Failed(String error) implements Outcome {
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

  /** The measurement, or null when there is none. */
  default Measurement measurementOrNull() {
    return this instanceof Measured m ? m.measurement() : null;
  }
}
