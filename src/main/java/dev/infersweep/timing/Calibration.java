package dev.infersweep.timing;

import java.util.Arrays;

/**
 * A fixed reference workload in plain Java, timed when a task starts and when it ends. Its time says
 * how fast this executor is right now, independently of DJL and of the model: analyses divide
 * latencies by it to compare executors, hardware and nights, and a task whose two calibrations differ
 * much ran on a machine that changed speed (frequency scaling, a noisy neighbour).
 *
 * <p>The workload is 32 passes of a dependent multiply-add over 32768 doubles (256 KiB, resident in
 * L2 on current CPUs): about 2 million floating-point operations, ~1 ms. The result is the median of 9
 * timed repetitions after 3 untimed ones.
 */
public final class Calibration {
  private static final int LENGTH = 1 << 15;
  private static final int PASSES = 32;
  private static final int WARMUP = 3;
  private static final int REPETITIONS = 9;

  /** Keeps the JIT from discarding the workload. */
  private static volatile double sink;

  private Calibration() {}

  /** Median nanoseconds of one run of the reference workload. */
  public static long measureNanos() {
    double[] data = new double[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      data[i] = (i % 97) * 0.01;
    }
    for (int i = 0; i < WARMUP; i++) {
      sink = workload(data);
    }
    long[] times = new long[REPETITIONS];
    for (int r = 0; r < REPETITIONS; r++) {
      long start = System.nanoTime();
      sink = workload(data);
      times[r] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    return times[REPETITIONS / 2];
  }

  static double workload(double[] data) {
    double acc = 0;
    for (int p = 0; p < PASSES; p++) {
      for (int i = 0; i < data.length; i++) {
        // Stays in [0, 1): no overflow, no subnormals, the same work every time.
        double x = data[i] * 0.999 + 0.0005;
        data[i] = x;
        acc += x;
      }
    }
    return acc;
  }
}
