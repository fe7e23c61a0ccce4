package dev.infersweep.stats;

/**
 * When warm-up is over and when measuring may stop.
 *
 * <p>Warm-up: the JIT, libtorch's allocator and the caches settle over the first calls, so block
 * medians drift downwards. Warm-up is over once the median of the last {@code window} block medians
 * is within {@code tolerance} of the median of the {@code window} before them.
 *
 * <p>Measurement: stop once at least {@code minBlocks} pairs are in and the ratio's interval
 * half-width is at most {@code targetHalfWidth}, or when the time budget is spent.
 */
public final class StoppingRule {
  private StoppingRule() {}

  /**
   * @param blockMedians block medians in time order, {@code count} of them filled
   * @return whether the last two windows agree within {@code tolerance} (relative)
   */
  public static boolean settled(double[] blockMedians, int count, int window, double tolerance) {
    if (count < 2 * window) {
      return false;
    }
    double[] last = java.util.Arrays.copyOfRange(blockMedians, count - window, count);
    double[] before = java.util.Arrays.copyOfRange(blockMedians, count - 2 * window, count - window);
    double a = Percentiles.median(last);
    double b = Percentiles.median(before);
    return Math.abs(a - b) <= tolerance * b;
  }

  public static boolean precise(PairedRatio ratio, int minBlocks, double targetHalfWidth) {
    return ratio.pairs() >= minBlocks && ratio.halfWidth() <= targetHalfWidth;
  }
}
