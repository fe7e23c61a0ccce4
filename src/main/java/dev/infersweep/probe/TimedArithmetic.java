package dev.infersweep.probe;

import dev.infersweep.result.Arithmetic;
import dev.infersweep.result.LayerArithmetic;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.InferenceModel.LayerValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows one inference call on the timed input layer by layer, value by value, to find where the
 * arithmetic enters the subnormal range ({@link LayerArithmetic}) and which powers of two lift
 * every value of each layer out of it ({@link #rescaleExponents}).
 *
 * <p>Each layer's input, linear output and activation are the engine's own (widened exactly); the
 * element-wise products are recomputed in double precision, where a product of two served values is
 * exact (fp32 × fp32 needs 48 bits), so a product counts as underflowing when its exact value is
 * non-zero and below the precision's smallest normal, whatever the engine then rounds it to.
 */
public final class TimedArithmetic {
  private final Precision precision;
  private final List<LayerArithmetic> layers = new ArrayList<>();
  private final long products;
  private final long underflows;
  /** Per layer: smallest non-zero and largest magnitudes of its weights, and of the rest it scales. */
  private final Range[] weights;
  private final Range[] rest;

  private TimedArithmetic(Precision precision, double[][] served, List<LayerValues> values) {
    this.precision = precision;
    int depth = values.size();
    if (served.length != 2 * depth) {
      throw new IllegalArgumentException("'weights' must hold a weight and a bias for each of " + depth + " layers, found " + served.length);
    }
    weights = new Range[depth];
    rest = new Range[depth];
    long allProducts = 0;
    long allUnderflows = 0;
    for (int l = 0; l < depth; l++) {
      double[] w = served[2 * l];
      double[] bias = served[2 * l + 1];
      LayerValues v = values.get(l);
      int units = bias.length;
      int fanIn = w.length / units;
      if (v.input().length % fanIn != 0) {
        throw new IllegalArgumentException("layer " + l + "'s input must hold whole rows of " + fanIn + " values, found " + v.input().length);
      }
      int batch = v.input().length / fanIn;
      weights[l] = new Range(precision);
      weights[l].addAll(w);
      rest[l] = new Range(precision);
      rest[l].addAll(bias);
      for (int s = 0; s < batch; s++) {
        for (int j = 0; j < units; j++) {
          rest[l].unit(bias[j], w, j * fanIn, v.input(), s * fanIn, fanIn);
        }
      }
      rest[l].addAll(v.linear());
      rest[l].addAll(v.output());
      long layerProducts = (long) batch * units * fanIn;
      layers.add(
          new LayerArithmetic(
              share(rest[l].underflows, layerProducts), share(precision, v.linear()), share(precision, v.output())));
      allProducts += layerProducts;
      allUnderflows += rest[l].underflows;
    }
    this.products = allProducts;
    this.underflows = allUnderflows;
  }

  /**
   * Traces one call.
   *
   * @param served each layer's weight then bias, as served in {@code precision} and widened exactly
   *     ({@code InferenceModel.weightValues})
   * @param values the call's values layer by layer ({@code InferenceModel.layerValues})
   */
  public static TimedArithmetic trace(Precision precision, double[][] served, List<LayerValues> values) {
    return new TimedArithmetic(precision, served, values);
  }

  /** The shares of subnormal values, layer by layer. */
  public List<LayerArithmetic> layers() {
    return List.copyOf(layers);
  }

  /** Share of every layer's element-wise products that underflow. */
  public double productSubnormalFraction() {
    return products == 0 ? 0 : (double) underflows / products;
  }

  /** Whether no product, linear output or activation of the call is subnormal. */
  public boolean clean() {
    return layers.stream().allMatch(l -> l.productSubnormalFraction() == 0 && l.linearSubnormalFraction() == 0 && l.outputSubnormalFraction() == 0);
  }

  /** The article's two-layer columns, or null for any other depth (the {@code layers} column has them). */
  public Arithmetic arithmetic() {
    if (layers.size() != 2) {
      return null;
    }
    LayerArithmetic first = layers.get(0);
    LayerArithmetic second = layers.get(1);
    return new Arithmetic(
        first.productSubnormalFraction(),
        first.linearSubnormalFraction(),
        first.outputSubnormalFraction(),
        second.productSubnormalFraction(),
        second.outputSubnormalFraction());
  }

  /**
   * The powers of two e_i of the rescale twin: layer i's weights times 2^e_i, its bias and outputs
   * times 2^E_i (E_i = e_0 + … + e_i), the network's output times 2^−E_last. Each is the smallest
   * that lifts the smallest non-zero value its layer touches to the normal range, lowered where it
   * would bring the largest partial sum within a factor of 4 of overflow, and the sum small enough
   * that 2^−E is the product of two normal numbers (the twin scales back in two steps). A network
   * without subnormal values gets zeros. Where one layer's values span more than the precision's
   * range, no exponents lift them all: trace the twin and check {@link #clean}.
   */
  public int[] rescaleExponents() {
    double minNormal = precision.minNormal();
    double limit = precision.maxFinite() / 4;
    int[] e = new int[weights.length];
    int total = 0;
    for (int l = 0; l < e.length; l++) {
      int lift = Math.max(0, Math.max(lift(minNormal, weights[l].min), lift(minNormal, rest[l].min) - total));
      int room = Math.min(headroom(limit, weights[l].max), headroom(limit, rest[l].max) - total);
      e[l] = Math.max(0, Math.min(lift, room));
      total += e[l];
    }
    int maxTotal = 2 * precision.normalExponents();
    for (int l = e.length - 1; l >= 0 && total > maxTotal; l--) {
      int cut = Math.min(e[l], total - maxTotal);
      e[l] -= cut;
      total -= cut;
    }
    return e;
  }

  /** Smallest e with value × 2^e ≥ minNormal (0 for none, or for no non-zero value). */
  private static int lift(double minNormal, double value) {
    if (!(value > 0) || value >= minNormal) {
      return 0;
    }
    int e = Math.getExponent(minNormal) - Math.getExponent(value);
    while (Math.scalb(value, e) < minNormal) {
      e++;
    }
    return e;
  }

  /** Largest e with value × 2^e ≤ limit. */
  private static int headroom(double limit, double value) {
    if (!(value > 0)) {
      return Integer.MAX_VALUE / 2;
    }
    return Math.getExponent(limit) - Math.getExponent(value) - 1;
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  private static double share(Precision precision, double[] values) {
    long n = 0;
    for (double v : values) {
      n += precision.isSubnormal(v) ? 1 : 0;
    }
    return share(n, values.length);
  }

  /** Smallest non-zero and largest magnitude seen, for the values one exponent scales. */
  private static final class Range {
    private final Precision precision;
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    /** Element-wise products traced by {@link #unit} that underflow. */
    long underflows;

    Range(Precision precision) {
      this.precision = precision;
    }

    /**
     * One output unit of a linear layer, {@code bias + Σ w[wFrom + k] · x[xFrom + k]} for
     * {@code k < n}: its products are added, its underflowing products counted, and the largest
     * partial sum it can reach (Σ |terms|) kept as a magnitude.
     */
    void unit(double bias, double[] w, int wFrom, double[] x, int xFrom, int n) {
      double bound = Math.abs(bias);
      for (int k = 0; k < n; k++) {
        double p = w[wFrom + k] * x[xFrom + k];
        underflows += precision.isSubnormal(p) ? 1 : 0;
        add(p);
        bound += Math.abs(p);
      }
      max = Math.max(max, bound);
    }

    void add(double v) {
      double a = Math.abs(v);
      if (a != 0 && a < min) {
        min = a;
      }
      max = Math.max(max, a);
    }

    void addAll(double[] values) {
      for (double v : values) {
        add(v);
      }
    }
  }
}
