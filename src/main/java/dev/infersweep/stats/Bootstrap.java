package dev.infersweep.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Percentile bootstrap intervals for statistics of independent units (runs, replicates). */
public final class Bootstrap {
  /** An estimate with its interval. */
  public record Interval(double estimate, double low, double high) {}

  /** Resamples per interval: enough for stable 2.5 % and 97.5 % quantiles. */
  public static final int RESAMPLES = 2000;

  private Bootstrap() {}

  /** The mean of {@code values} with its bootstrap interval. */
  public static Interval mean(double[] values, double confidence, long seed) {
    return of(values, Moments::mean, confidence, seed);
  }

  /**
   * The difference of means of two independent groups, {@code mean(a) − mean(b)}, each resampled on
   * its own.
   */
  public static Interval meanDifference(double[] a, double[] b, double confidence, long seed) {
    require(a, "a");
    require(b, "b");
    SplittableRandom random = new SplittableRandom(seed);
    double[] stats = new double[RESAMPLES];
    for (int r = 0; r < stats.length; r++) {
      stats[r] = Moments.mean(resample(a, random)) - Moments.mean(resample(b, random));
    }
    return interval(Moments.mean(a) - Moments.mean(b), stats, confidence);
  }

  /** Any statistic of {@code values}, with its bootstrap interval. */
  public static Interval of(
      double[] values, ToDoubleFunction<double[]> statistic, double confidence, long seed) {
    require(values, "values");
    SplittableRandom random = new SplittableRandom(seed);
    double[] stats = new double[RESAMPLES];
    for (int r = 0; r < stats.length; r++) {
      stats[r] = statistic.applyAsDouble(resample(values, random));
    }
    return interval(statistic.applyAsDouble(values), stats, confidence);
  }

  private static Interval interval(double estimate, double[] stats, double confidence) {
    Arrays.sort(stats);
    double alpha = (1 - confidence) / 2;
    return new Interval(estimate, Percentiles.ofSorted(stats, alpha), Percentiles.ofSorted(stats, 1 - alpha));
  }

  private static double[] resample(double[] values, SplittableRandom random) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[random.nextInt(values.length)];
    }
    return out;
  }

  private static void require(double[] values, String name) {
    if (values.length == 0) {
      throw new IllegalArgumentException("'" + name + "' must not be empty");
    }
  }
}
