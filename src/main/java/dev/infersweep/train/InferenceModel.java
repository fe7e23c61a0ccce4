package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.infersweep.net.Network;
import dev.infersweep.spec.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's weights cast to one inference precision and placed on a device, ready to be
 * called: the trained model, or one of the controls (subnormal weights zeroed, the rescale twin).
 * Owns a child manager; close it to free the native memory.
 */
public final class InferenceModel implements ServedModel {
  private final NDManager manager;
  private final Network network;
  private final List<NDArray> w = new ArrayList<>();
  private final List<NDArray> b = new ArrayList<>();
  private final NDArray scale;
  /**
   * The rescale twin's last two multiplications, whose product is 2^−E (E the exponents' sum; two,
   * so that the twin reaches twice the exponent range of one normal factor); null for every other
   * model.
   */
  private final NDArray[] outputScale;
  private final DataType dataType;
  private final boolean zeroSubnormals;

  public InferenceModel(NDManager parent, Device device, Weights weights, DataType dataType) {
    this(parent, device, weights, dataType, false, null);
  }

  /**
   * @param zeroSubnormals replace every weight that is subnormal <em>in {@code dataType}</em> by
   *     zero: the control model of the subnormal experiment, identical to the trained one otherwise
   */
  public InferenceModel(NDManager parent, Device device, Weights weights, DataType dataType, boolean zeroSubnormals) {
    this(parent, device, weights, dataType, zeroSubnormals, null);
  }

  /**
   * The rescale twin: layer i's weights multiplied by 2^e_i and its bias by 2^(e_0 + … + e_i), and
   * every output multiplied back by 2^−(e_0 + … + e_last). Multiplying by a power of two is exact and
   * a positively homogeneous activation (relu, identity) commutes with a positive factor, so
   * wherever the original has no subnormal value the twin computes bit for bit the same output;
   * where it has some, the twin computes them in the normal range. The exponents are applied to the
   * weights as served (after the cast), so both models start from the same values. The output is
   * scaled back by two multiplications, each by a normal power of two, so the sum may reach twice
   * {@link Precision#normalExponents}; they run even when every exponent is 0, so that a twin is
   * always compared with a twin (the same operators).
   *
   * @throws IllegalArgumentException for a network with another activation (no exact twin exists)
   */
  public static InferenceModel rescaled(NDManager parent, Device device, Weights weights, DataType dataType, int[] exponents) {
    String reason = weights.network().rescaleUnavailableReason();
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
    return new InferenceModel(parent, device, weights, dataType, false, exponents.clone());
  }

  /**
   * The rescale twin of the trained model with its subnormal weights zeroed first (as the zeroed
   * control): for a model whose layers span more than the precision's range only because tiny
   * weights sit beside normal ones, this twin can be complete where the plain one cannot.
   */
  public static InferenceModel rescaledZeroed(NDManager parent, Device device, Weights weights, DataType dataType, int[] exponents) {
    String reason = weights.network().rescaleUnavailableReason();
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
    return new InferenceModel(parent, device, weights, dataType, true, exponents.clone());
  }

  private InferenceModel(
      NDManager parent, Device device, Weights weights, DataType dataType, boolean zeroSubnormals, int[] exponents) {
    this.manager = parent.newSubManager(device);
    this.network = weights.network();
    this.dataType = dataType;
    this.zeroSubnormals = zeroSubnormals;
    int total = 0;
    for (int i = 0; i < network.depth(); i++) {
      int e = exponents == null ? 0 : exponents[i];
      total += e;
      int units = network.layers().get(i).units();
      w.add(scaled(weight(weights.weights().get(i), new Shape(units, network.fanIn(i))), e));
      b.add(scaled(weight(weights.biases().get(i), new Shape(units)), total));
    }
    if (exponents == null) {
      this.outputScale = null;
    } else {
      int first = Math.min(total, Precision.of(dataType).normalExponents());
      this.outputScale =
          new NDArray[] {
            fromDouble(new double[] {Math.scalb(1.0, -first)}, new Shape()),
            fromDouble(new double[] {Math.scalb(1.0, -(total - first))}, new Shape())
          };
    }
    // Created once, in fp32 as the scalar of NDArray.mul(float) is: the same arithmetic, no
    // allocation per call.
    this.scale = DenseNet.scaleArray(manager, weights.scale());
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
    NDArray array = cast(values, shape);
    if (!zeroSubnormals) {
      return array;
    }
    Precision precision = Precision.of(dataType);
    // w × (|w| ≥ smallest normal): subnormals become 0, every other value is kept exactly.
    NDArray keep = array.abs().gte(precision.minNormal()).toType(dataType, false);
    return array.mul(keep);
  }

  public Network network() {
    return network;
  }

  /** The weights as they are in this model's precision, widened exactly to doubles: layer i's weight at 2i, its bias at 2i + 1. */
  public double[][] weightValues() {
    double[][] values = new double[2 * network.depth()][];
    for (int i = 0; i < network.depth(); i++) {
      values[2 * i] = values(w.get(i));
      values[2 * i + 1] = values(b.get(i));
    }
    return values;
  }

  /**
   * One call on {@code x}, layer by layer, as the engine computes it: each layer's input, its linear
   * output and what it passes on (after the activation and scale), widened exactly to doubles.
   * The twin's final scale-back is not included (it restores the original's output).
   */
  public List<LayerValues> layerValues(NDArray x) {
    List<LayerValues> out = new ArrayList<>();
    try (NDManager scratch = manager.newSubManager()) {
      // Every intermediate lands in the scratch manager, and x returns to its own afterwards.
      x.tempAttach(scratch);
      NDArray a = x;
      for (int i = 0; i < network.depth(); i++) {
        NDArray z = Linear.linear(a, w.get(i), b.get(i)).singletonOrThrow();
        NDArray next = i == network.depth() - 1 ? z : DenseNet.hidden(network.layers().get(i), z, scale, false);
        out.add(new LayerValues(values(a), values(z), values(next)));
        a = next;
      }
    }
    return out;
  }

  /** One layer's values in one call; all row-major, batch first. */
  public record LayerValues(double[] input, double[] linear, double[] output) {}

  /** Whether every output of one call on {@code x} is finite (no NaN, no infinity). */
  public boolean outputFinite(NDArray x) {
    try (NDManager scratch = manager.newSubManager()) {
      x.tempAttach(scratch);
      for (double v : values(forward(x))) {
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
    for (int i = 0; i < network.depth(); i++) {
      w.get(i).setRequiresGradient(true);
      b.get(i).setRequiresGradient(true);
    }
    return this;
  }

  /** One inference call; the caller closes the returned array. */
  @Override
  public NDArray forward(NDArray x) {
    NDArray out = DenseNet.forward(network, x, w, b, scale, true);
    if (outputScale == null) {
      return out;
    }
    NDArray half = out.mul(outputScale[0]);
    out.close();
    NDArray back = half.mul(outputScale[1]);
    half.close();
    return back;
  }

  /** {@code x} widened exactly to doubles. */
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
