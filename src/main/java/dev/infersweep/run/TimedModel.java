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
  BASELINE_COPY;

  /** The ratios a cell reports, each the latency of one model over another's. */
  enum Contrast {
    /** The row's slowdown: trained / epoch-0. */
    LATENCY(TRAINED, BASELINE),
    ZEROED(TRAINED, TimedModel.ZEROED),
    RESCALED(TimedModel.RESCALED, RESCALED_BASELINE),
    AA(TRAINED_COPY, TRAINED),
    AA_LATENCY(TRAINED_COPY, BASELINE_COPY);

    final TimedModel model;
    final TimedModel reference;

    Contrast(TimedModel model, TimedModel reference) {
      this.model = model;
      this.reference = reference;
    }
  }
}
