package dev.infersweep.stats;

import dev.infersweep.stats.Percentiles;
import java.util.Arrays;

/**
 * Summary of per-call latency samples, in nanoseconds. Percentiles follow {@link Percentiles};
 * {@code stdNanos} is the sample standard deviation (n − 1).
 */
public record LatencyStats(
    int count, double p50Nanos, double p90Nanos, double p99Nanos, double meanNanos, double stdNanos) {

  public static LatencyStats of(long[] samples) {
    return of(samples, samples.length);
  }

  /** Summarises the first {@code count} samples. */
  public static LatencyStats of(long[] samples, int count) {
    if (count == 0) {
      throw new IllegalArgumentException("'samples' must not be empty");
    }
    double[] sorted = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sorted[i] = samples[i];
      sum += samples[i];
    }
    Arrays.sort(sorted);
    double mean = sum / count;
    double squares = 0;
    for (double s : sorted) {
      squares += (s - mean) * (s - mean);
    }
    double std = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;
    return new LatencyStats(
        count,
        Percentiles.ofSorted(sorted, 0.50),
        Percentiles.ofSorted(sorted, 0.90),
        Percentiles.ofSorted(sorted, 0.99),
        mean,
        std);
  }
}
