package dev.infersweep.timing;

import java.util.Arrays;

/**
 * Summary of per-call latency samples, in nanoseconds. Percentiles interpolate linearly between
 * order statistics (the "R-7" rule, numpy's default); {@code stdNanos} is the sample standard
 * deviation (n − 1).
 */
public record LatencyStats(
    int count, double p50Nanos, double p90Nanos, double p99Nanos, double meanNanos, double stdNanos) {

  public static LatencyStats of(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("'samples' must not be empty");
    }
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long s : sorted) {
      sum += s;
    }
    double mean = sum / sorted.length;
    double squares = 0;
    for (long s : sorted) {
      squares += (s - mean) * (s - mean);
    }
    double std = sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) : 0;
    return new LatencyStats(
        sorted.length,
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        mean,
        std);
  }

  /** The {@code q}-quantile of ascending {@code sorted}, interpolated linearly. */
  public static double percentile(long[] sorted, double q) {
    if (q < 0 || q > 1) {
      throw new IllegalArgumentException("'q' must be in [0, 1], found " + q);
    }
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double fraction = position - lower;
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
  }
}
