package dev.infersweep.net;

/**
 * A model that is read from a file rather than trained, as the grid declares it ({@link ModelSource})
 * or as one task reads it ({@link ReadModel}): it has no loss and no declared outputs (its file gives
 * them), and no declared layers for the rescale twin or the numeric trace.
 */
public sealed interface ReadSpec extends ModelSpec permits ModelSource, ReadModel {
  /** Not declared: a model read from a file has the outputs its file gives. */
  @Override
  default int outputs() {
    return 0;
  }

  /** A read model is not trained: it has no loss. */
  @Override
  default LossFunction loss() {
    return null;
  }

  @Override
  default String rescaleUnavailableReason() {
    return "a model read from a file has no declared layers; the rescale twin is a control for declared networks";
  }

  @Override
  default String traceUnavailableReason() {
    return "a model read from a file has no declared layers; the numeric trace is recorded for declared networks";
  }
}
