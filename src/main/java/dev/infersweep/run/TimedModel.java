package dev.infersweep.run;

/**
 * The models a rigorous cell times in the same interleaved rounds: the trained and epoch-0 models
 * and the controls (docs/measurement.md, "Control models").
 */
enum TimedModel {
  TRAINED,
  BASELINE,
  /** The trained model with its subnormal weights set to zero. */
  ZEROED,
  /** The trained model's rescale twin (absent where the network has none). */
  RESCALED,
  /** The epoch-0 model's rescale twin. */
  RESCALED_BASELINE,
  /** A separately allocated copy of the trained model: the A/A null. */
  TRAINED_COPY,
  /** A separately allocated copy of the epoch-0 model. */
  BASELINE_COPY,
  /** The trained model itself, timed with flush-to-zero on for exactly its blocks. */
  FLUSHED,
  /** The epoch-0 model itself, timed with flush-to-zero on for exactly its blocks. */
  FLUSHED_BASELINE;

  /** Whether this model's blocks run with FTZ and DAZ on. */
  boolean flushed() {
    return this == FLUSHED || this == FLUSHED_BASELINE;
  }

  /** The ratios a cell reports, each the latency of one model over another's. */
  enum Contrast {
    /** The row's slowdown: trained / epoch-0. */
    LATENCY(TRAINED, BASELINE),
    ZEROED(TRAINED, TimedModel.ZEROED),
    RESCALED(TimedModel.RESCALED, RESCALED_BASELINE),
    AA(TRAINED_COPY, TRAINED),
    AA_LATENCY(TRAINED_COPY, BASELINE_COPY),
    /** The slowdown left with flush-to-zero on: flushed trained / flushed epoch-0. */
    FLUSHED(TimedModel.FLUSHED, FLUSHED_BASELINE),
    /** What the remedy does to the trained model: flushed trained / trained. */
    FLUSHED_VS_TRAINED(TimedModel.FLUSHED, TRAINED);

    final TimedModel model;
    final TimedModel reference;

    Contrast(TimedModel model, TimedModel reference) {
      this.model = model;
      this.reference = reference;
    }
  }
}
