package dev.infersweep.read;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.SyntheticData;
import dev.infersweep.train.TorchScriptModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Whether a repaired model answers as the original does: both run on the same inputs (the sweep's
 * timed input at each batch size, and a few random batches at three scales) and the largest
 * difference of any output is held to {@code tolerance × (1 + max |original output|)}.
 *
 * <p>Why that bound holds for a sound repair: a zeroed value was below 2^-126 (fp32), so each term
 * it fed changes by at most that times its input, some 1e-38 for inputs near 1, far below the
 * resolution of an fp32 output near 1 (2^-24 ≈ 6e-8). The default {@value #DEFAULT_TOLERANCE}
 * leaves room for a summation order that differs between two loads, and still refuses a model whose
 * forward divides by, or takes the logarithm of, a subnormal parameter.
 */
public final class RepairOutputs {
  /** Relative tolerance on outputs: max |Δ| ≤ this × (1 + max |output|). */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  /** The sweep's default {@code timing.input_seed}: the timed input is the one a sweep times. */
  public static final long INPUT_SEED = 12345L;

  /** Seeds and scales of the extra random batches. */
  private static final long[] RANDOM_SEEDS = {1, 2, 3};
  private static final double[] RANDOM_SCALES = {1, 10, 0.1};
  private static final int RANDOM_BATCH = 16;

  /**
   * What the comparison found. Each input batch is held to its own bound, {@code tolerance × (1 +
   * max |its original output|)}, so a batch of large inputs does not loosen the bound of a small one.
   *
   * @param maxAbsDifference the largest |original − repaired| over every output of every input
   * @param worst the batch whose difference took the largest share of its bound: its difference
   * @param worstBound that batch's bound
   * @param inputs how many input batches were compared
   */
  public record Comparison(double maxAbsDifference, double worst, double worstBound, int inputs) {
    public boolean within() {
      return worst <= worstBound;
    }
  }

  private RepairOutputs() {}

  /** The timed input: standard normal from {@link #INPUT_SEED}, as the sweep's {@code run.Inputs} makes it. */
  public static float[] timedInput(long[] inputShape, int batch) {
    return SyntheticData.standardNormal(new SplittableRandom(INPUT_SEED), (int) (batch * sampleSize(inputShape)));
  }

  static long sampleSize(long[] inputShape) {
    long n = 1;
    for (long d : inputShape) {
      n *= d;
    }
    return n;
  }

  static Shape batchShape(long[] inputShape, int batch) {
    long[] shape = new long[inputShape.length + 1];
    shape[0] = batch;
    System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
    return new Shape(shape);
  }

  /** An input batch in the model's precision (fp32 values cast to fp16 or fp64 where it is served so). */
  static NDArray input(NDManager manager, float[] values, long[] inputShape, int batch, Precision precision) {
    NDArray x = manager.create(values, batchShape(inputShape, batch));
    return precision.dataType() == DataType.FLOAT32 ? x : x.toType(precision.dataType(), false);
  }

  /** Runs both archives on every input and compares their outputs. */
  public static Comparison compare(
      byte[] original, byte[] repaired, long[] inputShape, Precision precision, List<Integer> batches, double tolerance)
      throws MalformedModelException {
    List<float[]> inputs = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int batch : batches) {
      inputs.add(timedInput(inputShape, batch));
      sizes.add(batch);
    }
    for (int i = 0; i < RANDOM_SEEDS.length; i++) {
      float[] v = SyntheticData.standardNormal(
          new SplittableRandom(RANDOM_SEEDS[i]), (int) (RANDOM_BATCH * sampleSize(inputShape)));
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (v[j] * RANDOM_SCALES[i]);
      }
      inputs.add(v);
      sizes.add(RANDOM_BATCH);
    }
    double maxDiff = 0;
    double worst = 0;
    double worstBound = Double.POSITIVE_INFINITY;
    try (TorchScriptModel a = TorchScriptModel.load(original, Device.cpu());
        TorchScriptModel b = TorchScriptModel.load(repaired, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int i = 0; i < inputs.size(); i++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray x = input(scope, inputs.get(i), inputShape, sizes.get(i), precision);
          double[] ya = values(a.forward(x));
          double[] yb = values(b.forward(x));
          if (ya.length != yb.length) {
            return new Comparison(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, i + 1);
          }
          double diff = 0;
          double out = 0;
          for (int j = 0; j < ya.length; j++) {
            diff = Math.max(diff, difference(ya[j], yb[j]));
            out = Double.isFinite(ya[j]) ? Math.max(out, Math.abs(ya[j])) : out;
          }
          double bound = tolerance * (1 + out);
          maxDiff = Math.max(maxDiff, diff);
          // Compared as diff / bound without dividing, so a zero tolerance still orders the batches.
          if ((diff > 0 && worst == 0) || (worst > 0 && diff * worstBound > worst * bound)) {
            worst = diff;
            worstBound = bound;
          } else if (worst == 0) {
            worstBound = Math.min(worstBound, bound); // no difference yet: the tightest bound
          }
        }
      }
    }
    return new Comparison(maxDiff, worst, worstBound, inputs.size());
  }

  private static double[] values(NDArray output) {
    try (output; NDArray wide = output.toType(DataType.FLOAT64, true)) {
      return wide.toDoubleArray();
    }
  }

  /** |a − b|, 0 where both are the same infinity or both NaN, infinite where only one is not finite. */
  static double difference(double a, double b) {
    if (a == b || (Double.isNaN(a) && Double.isNaN(b))) {
      return 0;
    }
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(a - b);
  }
}
