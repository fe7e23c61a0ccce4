package dev.infersweep.probe;

import dev.infersweep.result.Diagnostics;

import ai.djl.ndarray.NDArray;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.InferenceModel;

/** Measures {@link Diagnostics} of a model in its serving precision. */
public final class ModelProbe {
  /** Training samples in the probe batch (the first ones; all of them when there are fewer). */
  public static final int PROBE_SAMPLES = 256;

  private ModelProbe() {}

  /**
   * @param probe the probe batch, already in the model's precision (batch × input)
   * @param hiddenUnits the hidden layer's width
   */
  public static Diagnostics measure(
      InferenceModel model, Precision precision, NDArray probe, int hiddenUnits) {
    double[][] weights = model.weightValues();
    double[] hidden = model.hidden(probe);
    return of(precision, weights, hidden, hiddenUnits, model.outputFinite(probe));
  }

  /** The arithmetic, apart from the engine, so it can be checked on hand-built values. */
  public static Diagnostics of(
      Precision precision, double[][] weights, double[] hidden, int hiddenUnits, boolean outputFinite) {
    double squares = 0;
    double maxAbs = 0;
    long zeros = 0;
    long subnormals = 0;
    long count = 0;
    for (double[] tensor : weights) {
      for (double w : tensor) {
        squares += w * w;
        maxAbs = Math.max(maxAbs, Math.abs(w));
        zeros += w == 0 ? 1 : 0;
        subnormals += precision.isSubnormal(w) ? 1 : 0;
        count++;
      }
    }
    if (hidden.length % hiddenUnits != 0) {
      throw new IllegalArgumentException(
          "'hidden' must hold whole rows of " + hiddenUnits + " units, found " + hidden.length + " values");
    }
    int rows = hidden.length / hiddenUnits;
    double sumAbs = 0;
    double maxActivation = 0;
    long subnormalActivations = 0;
    boolean[] alive = new boolean[hiddenUnits];
    for (int i = 0; i < hidden.length; i++) {
      double a = Math.abs(hidden[i]);
      sumAbs += a;
      maxActivation = Math.max(maxActivation, a);
      subnormalActivations += precision.isSubnormal(hidden[i]) ? 1 : 0;
      alive[i % hiddenUnits] |= hidden[i] != 0;
    }
    int dead = 0;
    for (boolean a : alive) {
      dead += a ? 0 : 1;
    }
    return new Diagnostics(
        Math.sqrt(squares),
        maxAbs,
        (double) zeros / count,
        (double) subnormals / count,
        hidden.length == 0 ? 0 : sumAbs / hidden.length,
        maxActivation,
        rows == 0 ? 0 : (double) dead / hiddenUnits,
        hidden.length == 0 ? 0 : (double) subnormalActivations / hidden.length,
        outputFinite);
  }
}
