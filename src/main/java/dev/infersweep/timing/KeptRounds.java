package dev.infersweep.timing;

import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.Percentiles;
import java.util.Arrays;
import java.util.List;

/**
 * The measured rounds' call times and block medians, per model. A round's blocks are recorded as
 * they run and count once it is kept; a dropped round's are overwritten by the next.
 */
final class KeptRounds {
  private final int block;
  private final long[][] samples;
  private final double[][] medians;
  private int kept;

  KeptRounds(int models, int block) {
    this.block = block;
    this.samples = new long[models][block * 64];
    this.medians = new double[models][64];
  }

  void record(int m, long[] times) {
    samples[m] = grow(samples[m], (kept + 1) * block);
    System.arraycopy(times, 0, samples[m], kept * block, block);
    medians[m] = grow(medians[m], kept + 1);
    medians[m][kept] = Percentiles.median(times, 0, block);
  }

  void keep() {
    kept++;
  }

  int kept() {
    return kept;
  }

  double[] medians(int m) {
    return medians[m];
  }

  /** Whether the intervals are due for a check (every {@code checkEvery} rounds, from minBlocks on). */
  boolean checkDue(int minBlocks, int checkEvery) {
    return kept >= minBlocks && kept % checkEvery == 0;
  }

  List<LatencyStats> stats() {
    LatencyStats[] stats = new LatencyStats[samples.length];
    for (int m = 0; m < stats.length; m++) {
      stats[m] = kept == 0 ? null : LatencyStats.of(samples[m], kept * block);
    }
    return Arrays.asList(stats);
  }

  /** {@code a}, or a copy at least twice as long where it is shorter than {@code needed}. */
  static long[] grow(long[] a, int needed) {
    return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, a.length * 2));
  }

  static double[] grow(double[] a, int needed) {
    return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, a.length * 2));
  }
}
