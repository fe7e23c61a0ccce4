package dev.infersweep.probe;

import dev.infersweep.result.Arithmetic;
import dev.infersweep.spec.ModelSpec;
import dev.infersweep.spec.Precision;

/**
 * Follows one inference call on the timed input through SimpleNet in Java, value by value, to find
 * where the arithmetic enters the subnormal range ({@link Arithmetic}) and which powers of two lift
 * every value of each layer out of it ({@link #rescaleExponents}).
 *
 * <p>Products of served values are exact in double precision (fp32 × fp32 needs 48 bits), so a
 * product counts as underflowing when its exact value is non-zero and below the precision's smallest
 * normal, whatever the engine then rounds it to. Sums are taken in double; at these sizes (a few
 * hundred thousand products) the whole trace costs well under a millisecond per batch of 64.
 */
public final class TimedArithmetic {
  private final Precision precision;
  private final long products1;
  private final long underflow1;
  private final long preactivations;
  private final long subnormalPreactivations;
  private final long subnormalHidden;
  private final long products2;
  private final long underflow2;
  private final long outputs;
  private final long subnormalOutputs;
  /** Smallest non-zero and largest magnitudes among the values each layer's exponent scales. */
  private final double min1;
  private final double max1;
  private final double minW2;
  private final double maxW2;
  private final double min2;
  private final double max2;

  private TimedArithmetic(
      Precision precision, double[][] weights, double[] input, double scale, ModelSpec model) {
    this.precision = precision;
    int in = model.input();
    int hid = model.hidden();
    int out = model.output();
    if (input.length % in != 0) {
      throw new IllegalArgumentException("'input' must hold whole rows of " + in + " values, found " + input.length);
    }
    int batch = input.length / in;
    double[] w1 = weights[0];
    double[] b1 = weights[1];
    double[] w2 = weights[2];
    double[] b2 = weights[3];
    Range r1 = new Range(precision);
    Range r2 = new Range(precision);
    Range rw2 = new Range(precision);
    r1.addAll(w1);
    r1.addAll(b1);
    rw2.addAll(w2);
    r2.addAll(b2);
    long sp = 0;
    long sh = 0;
    long so = 0;
    double[] hidden = new double[hid];
    for (int s = 0; s < batch; s++) {
      for (int j = 0; j < hid; j++) {
        double z = r1.unit(b1[j], w1, j * in, input, s * in, in);
        sp += precision.isSubnormal(z) ? 1 : 0;
        hidden[j] = Math.max(z, 0) * scale;
        r1.add(hidden[j]);
        sh += precision.isSubnormal(hidden[j]) ? 1 : 0;
      }
      for (int k = 0; k < out; k++) {
        double o = r2.unit(b2[k], w2, k * hid, hidden, 0, hid);
        so += precision.isSubnormal(o) ? 1 : 0;
      }
    }
    this.products1 = (long) batch * hid * in;
    this.underflow1 = r1.underflows;
    this.preactivations = (long) batch * hid;
    this.subnormalPreactivations = sp;
    this.subnormalHidden = sh;
    this.products2 = (long) batch * out * hid;
    this.underflow2 = r2.underflows;
    this.outputs = (long) batch * out;
    this.subnormalOutputs = so;
    this.min1 = r1.min;
    this.max1 = r1.max;
    this.minW2 = rw2.min;
    this.maxW2 = rw2.max;
    this.min2 = r2.min;
    this.max2 = r2.max;
  }

  /**
   * Traces one call.
   *
   * @param weights fc1 weight (hidden × input, row-major), fc1 bias, fc2 weight (output × hidden),
   *     fc2 bias, as served in {@code precision} and widened exactly to doubles
   * @param input the timed input as served (batch × input, row-major)
   * @param scale the activation scale (1 when the network has none)
   */
  public static TimedArithmetic trace(
      Precision precision, double[][] weights, double[] input, double scale, ModelSpec model) {
    return new TimedArithmetic(precision, weights, input, scale, model);
  }

  /** The shares of subnormal values, layer by layer. */
  public Arithmetic arithmetic() {
    return new Arithmetic(
        share(underflow1, products1),
        share(subnormalPreactivations, preactivations),
        share(subnormalHidden, preactivations),
        share(underflow2, products2),
        share(subnormalOutputs, outputs));
  }

  /**
   * The powers of two {a, b} of the rescale twin: the first layer's weights and bias times 2^a, the
   * second layer's weights times 2^b and its bias times 2^(a+b), the output times 2^−(a+b). Each is
   * the smallest that lifts the smallest non-zero value its layer touches to the normal range,
   * lowered where it would bring the largest partial sum within a factor of 4 of overflow, and the
   * two together small enough that 2^−(a+b) is the product of two normal numbers (the twin scales
   * back in two steps). A network without subnormal values gets {0, 0}. Where one layer's values
   * span more than the precision's range, no exponents lift them all: check {@link #arithmetic} of
   * the twin's weights.
   */
  public int[] rescaleExponents() {
    double minNormal = precision.minNormal();
    int maxTotal = 2 * precision.normalExponents();
    double limit = precision.maxFinite() / 4;
    int a = Math.max(0, lift(minNormal, min1));
    a = Math.min(a, headroom(limit, max1));
    int b = Math.max(0, Math.max(lift(minNormal, minW2), lift(minNormal, min2) - a));
    b = Math.min(b, Math.min(headroom(limit, maxW2), headroom(limit, max2) - a));
    b = Math.max(0, b);
    if (a + b > maxTotal) {
      b = Math.max(0, maxTotal - a);
      a = Math.min(a, maxTotal);
    }
    return new int[] {a, b};
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
     * {@code k < n}: its products and sum are added, its underflowing products counted, and the
     * largest partial sum it can reach (Σ |terms|) kept as a magnitude. Returns the sum.
     */
    double unit(double bias, double[] w, int wFrom, double[] x, int xFrom, int n) {
      double z = bias;
      double bound = Math.abs(bias);
      for (int k = 0; k < n; k++) {
        double p = w[wFrom + k] * x[xFrom + k];
        underflows += precision.isSubnormal(p) ? 1 : 0;
        add(p);
        z += p;
        bound += Math.abs(p);
      }
      add(z);
      max = Math.max(max, bound);
      return z;
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
