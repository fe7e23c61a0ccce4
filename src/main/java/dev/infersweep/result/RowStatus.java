package dev.infersweep.result;

import java.util.Locale;

/** A row's status: measured, failed (with the reason), or a precision the engine cannot run. */
public enum RowStatus {
  /** Measured: every latency column is set. */
  OK,
  /** Not measured because something failed; {@code error} says what. */
  FAILED,
  /** Not measured because the engine cannot run the row's precision; {@code error} says why. */
  UNSUPPORTED;

  /** The value of the {@code status} column. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
