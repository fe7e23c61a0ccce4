package dev.infersweep.stats;

import java.util.SplittableRandom;

/**
 * The latency ratio of a model against a reference timed in interleaved blocks, with a bootstrap
 * confidence interval.
 *
 * <p>Each block pair i gives the median latency of the model, a_i, and of the reference, b_i,
 * measured back to back. The estimate is the geometric mean of the paired ratios,
 * exp(mean(log(a_i / b_i))): pairing cancels whatever the machine did to both (drift, frequency
 * changes, a neighbour's load), and the log makes the estimate symmetric (A/B = 1/(B/A)). The 95 %
 * interval is the percentile bootstrap over block pairs.
 *
 * @param ratio the estimate
 * @param ciLow lower bound of the two-sided interval
 * @param ciHigh upper bound
 * @param pairs block pairs behind it
 */
public record PairedRatio(double ratio, double ciLow, double ciHigh, int pairs)
    implements java.io.Serializable {
  /** Resamples per interval: enough for stable 2.5 % and 97.5 % quantiles. */
  public static final int RESAMPLES = 2000;

  /** Half the interval's width, in ratio units (0.01 ≈ ±1 % around a ratio near 1). */
  public double halfWidth() {
    return (ciHigh - ciLow) / 2;
  }

  /**
   * @param model block medians of the model, in time order
   * @param reference block medians of the reference, paired by index
   * @param confidence e.g. 0.95
   * @param seed seed of the bootstrap resampling, so a result can be reproduced exactly
   */
  public static PairedRatio estimate(
      double[] model, double[] reference, int count, double confidence, long seed) {
    if (count < 2) {
      throw new IllegalArgumentException("'count' must be at least 2 block pairs, found " + count);
    }
    if (model.length < count || reference.length < count) {
      throw new IllegalArgumentException("'model' and 'reference' must hold 'count' blocks");
    }
    double[] logs = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      if (!(model[i] > 0 && reference[i] > 0)) {
        throw new IllegalArgumentException("block medians must be positive, block " + i);
      }
      logs[i] = Math.log(model[i] / reference[i]);
      sum += logs[i];
    }
    double mean = sum / count;
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[RESAMPLES];
    for (int r = 0; r < RESAMPLES; r++) {
      double s = 0;
      for (int i = 0; i < count; i++) {
        s += logs[random.nextInt(count)];
      }
      means[r] = s / count;
    }
    java.util.Arrays.sort(means);
    double alpha = (1 - confidence) / 2;
    return new PairedRatio(
        Math.exp(mean),
        Math.exp(Percentiles.ofSorted(means, alpha)),
        Math.exp(Percentiles.ofSorted(means, 1 - alpha)),
        count);
  }
}
