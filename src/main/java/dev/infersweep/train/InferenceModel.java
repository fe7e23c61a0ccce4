package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.infersweep.spec.ModelSpec;
import dev.infersweep.spec.Precision;

/**
 * A checkpoint's weights cast to one inference precision and placed on a device, ready to be
 * called. Owns a child manager; close it to free the native memory.
 */
public final class InferenceModel implements AutoCloseable {
  private final NDManager manager;
  private final NDArray w1;
  private final NDArray b1;
  private final NDArray w2;
  private final NDArray b2;
  private final NDArray scale;
  /**
   * The rescale twin's last two multiplications, whose product is 2^−(a+b) (two, so that the twin
   * reaches twice the exponent range of one normal factor); null for every other model.
   */
  private final NDArray[] outputScale;
  private final DataType dataType;
  private final boolean zeroSubnormals;

  public InferenceModel(NDManager parent, Device device, Weights weights, DataType dataType) {
    this(parent, device, weights, dataType, false);
  }

  /**
   * The rescale twin: the first layer's weights and bias multiplied by 2^{@code fc1Exponent}, the
   * second layer's weights by 2^{@code fc2Exponent} and its bias by 2^(both), and every output
   * multiplied back by 2^−(both). Multiplying by a power of two is exact and ReLU commutes with a
   * positive factor, so wherever the original has no subnormal value the twin computes bit for bit
   * the same output; where it has some, the twin computes them in the normal range. The exponents
   * are applied to the weights as served (after the cast), so both models start from the same
   * values. The output is scaled back by two multiplications, each by a normal power of two, so a+b
   * may reach twice {@link Precision#normalExponents}; they run even when both exponents are 0, so that a
   * twin is always compared with a twin (the same operators).
   */
  public static InferenceModel rescaled(
      NDManager parent, Device device, Weights weights, DataType dataType, int fc1Exponent, int fc2Exponent) {
    return new InferenceModel(parent, device, weights, dataType, false, new int[] {fc1Exponent, fc2Exponent});
  }

  /**
   * @param zeroSubnormals replace every weight that is subnormal <em>in {@code dataType}</em> by
   *     zero: the control model of the subnormal experiment, identical to the trained one otherwise
   */
  public InferenceModel(
      NDManager parent, Device device, Weights weights, DataType dataType, boolean zeroSubnormals) {
    this(parent, device, weights, dataType, zeroSubnormals, null);
  }

  private InferenceModel(
      NDManager parent, Device device, Weights weights, DataType dataType, boolean zeroSubnormals, int[] exponents) {
    this.manager = parent.newSubManager(device);
    this.dataType = dataType;
    this.zeroSubnormals = zeroSubnormals;
    ModelSpec m = weights.model();
    int a = exponents == null ? 0 : exponents[0];
    int b = exponents == null ? 0 : exponents[1];
    this.w1 = scaled(weight(weights.fc1Weight(), new Shape(m.hidden(), m.input())), a);
    this.b1 = scaled(weight(weights.fc1Bias(), new Shape(m.hidden())), a);
    this.w2 = scaled(weight(weights.fc2Weight(), new Shape(m.output(), m.hidden())), b);
    this.b2 = scaled(weight(weights.fc2Bias(), new Shape(m.output())), a + b);
    if (exponents == null) {
      this.outputScale = null;
    } else {
      int first = Math.min(a + b, Precision.of(dataType).normalExponents());
      this.outputScale =
          new NDArray[] {
            fromDouble(new double[] {Math.scalb(1.0, -first)}, new Shape()),
            fromDouble(new double[] {Math.scalb(1.0, -(a + b - first))}, new Shape())
          };
    }
    // Created once, in fp32 as the scalar of NDArray.mul(float) is: the same arithmetic, no
    // allocation per call.
    this.scale = SimpleNet.scaleArray(manager, weights.scale());
  }

  /** Creates an fp32 array from {@code values} and casts it, as a trained model is cast for serving. */
  public NDArray cast(float[] values, Shape shape) {
    return served(manager.create(values, shape));
  }

  /** {@code created} in this model's type: itself, or a cast copy (and {@code created} freed). */
  private NDArray served(NDArray created) {
    if (created.getDataType() == dataType) {
      return created;
    }
    NDArray cast = created.toType(dataType, false);
    created.close();
    return cast;
  }

  /**
   * {@code w} times 2^e, computed in double precision where it is exact and cast back to the
   * model's type (exact too, as the result is a normal number there); {@code w} itself when e is 0.
   */
  private NDArray scaled(NDArray w, int e) {
    if (e == 0) {
      return w;
    }
    double[] values;
    try (NDArray wide = w.toType(DataType.FLOAT64, true)) {
      values = wide.toDoubleArray();
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.scalb(values[i], e);
    }
    NDArray out = fromDouble(values, w.getShape());
    w.close();
    return out;
  }

  private NDArray fromDouble(double[] values, Shape shape) {
    return served(manager.create(values, shape));
  }

  private NDArray weight(float[] values, Shape shape) {
    NDArray w = cast(values, shape);
    if (!zeroSubnormals) {
      return w;
    }
    Precision precision = Precision.of(dataType);
    // w × (|w| ≥ smallest normal): subnormals become 0, every other value is kept exactly.
    NDArray keep = w.abs().gte(precision.minNormal()).toType(dataType, false);
    return w.mul(keep);
  }

  /** The weights as they are in this model's precision, widened exactly to doubles. */
  public double[][] weightValues() {
    double[][] values = new double[4][];
    NDArray[] arrays = {w1, b1, w2, b2};
    for (int i = 0; i < arrays.length; i++) {
      values[i] = arrays[i].toType(DataType.FLOAT64, false).toDoubleArray();
    }
    return values;
  }

  /** The hidden layer after ReLU and scaling, for the probe: (batch × hidden), widened to doubles. */
  public double[] hidden(NDArray x) {
    try (NDManager scratch = manager.newSubManager()) {
      // Every intermediate lands in the scratch manager, and x returns to its own afterwards.
      x.tempAttach(scratch);
      NDArray h = Activation.relu(Linear.linear(x, w1, b1).singletonOrThrow());
      if (scale != null) {
        h = h.mul(scale);
      }
      return h.toType(DataType.FLOAT64, false).toDoubleArray();
    }
  }

  /** Whether every output of one call on {@code x} is finite (no NaN, no infinity). */
  public boolean outputFinite(NDArray x) {
    try (NDManager scratch = manager.newSubManager()) {
      x.tempAttach(scratch);
      for (double v : forward(x).toType(DataType.FLOAT64, false).toDoubleArray()) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Marks the weights as requiring gradients, as a model in training does: calls made while a
   * {@code GradientCollector} is open then record an autograd graph (the seed article's protocol).
   */
  public InferenceModel trackGradients() {
    for (NDArray w : new NDArray[] {w1, b1, w2, b2}) {
      w.setRequiresGradient(true);
    }
    return this;
  }

  /** One inference call; the caller closes the returned array. */
  public NDArray forward(NDArray x) {
    NDArray out = SimpleNet.forward(x, w1, b1, w2, b2, scale, true);
    if (outputScale == null) {
      return out;
    }
    NDArray half = out.mul(outputScale[0]);
    out.close();
    NDArray back = half.mul(outputScale[1]);
    half.close();
    return back;
  }

  /** The timed input as this model serves it, widened exactly to doubles. */
  public static double[] values(NDArray x) {
    return x.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
