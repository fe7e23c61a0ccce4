package dev.infersweep.stats;

import java.util.Arrays;

/** Percentiles by linear interpolation between order statistics (the "R-7" rule, numpy's default). */
public final class Percentiles {
  private Percentiles() {}

  /** The {@code q}-quantile of ascending {@code sorted}. */
  public static double ofSorted(double[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("'values' must not be empty");
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("'q' must be in [0, 1], found " + q);
    }
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double fraction = position - lower;
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
  }

  /** The {@code q}-quantile of {@code values} in any order (the array is not changed). */
  public static double of(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return ofSorted(sorted, q);
  }

  public static double median(double[] values) {
    return of(values, 0.5);
  }

  /** The median of {@code values[from, to)}. */
  public static double median(long[] values, int from, int to) {
    double[] part = new double[to - from];
    for (int i = from; i < to; i++) {
      part[i - from] = values[i];
    }
    return median(part);
  }
}
