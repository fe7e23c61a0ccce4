package dev.infersweep.run;

import ai.djl.Device;
import dev.infersweep.precision.PrecisionSupport;
import dev.infersweep.result.Environment;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.Map;

/**
 * A run ready to train: the engine is loaded, the device resolved, the environment read, each
 * precision's support known and the training data at hand (generated, or the table the driver
 * shipped).
 *
 * @param spec the run
 * @param device the DJL device it trains and measures on
 * @param support whether the engine can run each of the run's precisions
 */
record Opened(
    RunSpec spec,
    Device device,
    Environment environment,
    Map<Precision, PrecisionSupport.Verdict> support,
    TrainingSet data) {

  /**
   * Whether {@code precision} may be measured: not found unsupported. No verdict counts as runnable,
   * so such a row fails with its own error instead.
   */
  boolean runnable(Precision precision) {
    PrecisionSupport.Verdict verdict = support.get(precision);
    return verdict == null || verdict.supported();
  }

  /** Why {@code precision} cannot be measured; empty when it can. */
  String unsupportedReason(Precision precision) {
    PrecisionSupport.Verdict verdict = support.get(precision);
    return verdict == null ? "" : verdict.reason();
  }
}
