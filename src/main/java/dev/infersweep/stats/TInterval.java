package dev.infersweep.stats;

/**
 * Student's t interval for the mean of a few independent units (training runs, paired seeds). With
 * 2 or 3 units a percentile bootstrap's 95 % interval is only the range of the units (about 50 % and
 * 75 % coverage); the t interval keeps its nominal coverage for normal data at any n ≥ 2
 * ({@code TIntervalTest} measures it).
 */
public final class TInterval {
  private TInterval() {}

  /**
   * The mean of {@code values} with its two-sided interval.
   *
   * @throws IllegalArgumentException with fewer than 2 values
   */
  public static Interval mean(double[] values, double confidence) {
    int n = values.length;
    if (n < 2) {
      throw new IllegalArgumentException("'values' must hold at least 2 units, found " + n);
    }
    double mean = Moments.mean(values);
    double se = Moments.sd(values) / Math.sqrt(n);
    double t = StudentT.quantile(confidence, n - 1);
    return new Interval(mean, mean - t * se, mean + t * se);
  }
}
