package dev.infersweep.timing;

import ai.djl.ndarray.NDArray;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.stats.Percentiles;
import dev.infersweep.stats.StoppingRule;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Times several models on the same input in interleaved blocks: each round runs one block of
 * {@code blockSize} calls per model, in a random order balanced over every n rounds
 * ({@link RoundOrder}), so every model sees the same machine state and each position equally often.
 * Rounds during which the JVM collected garbage are discarded whole.
 *
 * <p>Warm-up runs rounds until each model has had {@code minWarmupCalls} calls and its block medians
 * have settled ({@link StoppingRule#settled}), or the warm-up budget is spent. Measurement then runs
 * rounds until every requested ratio is precise enough ({@link StoppingRule#precise}) or the
 * measurement budget is spent. A row whose answer the intervals still leave open when the budget is
 * spent (the caller's {@code undecided} says so) is measured on, up to {@value #DECIDE} times the
 * budget, until it is decided.
 */
public final class InterleavedTimer {
  /** How to time. */
  public record Settings(
      int blockSize,
      int minWarmupCalls,
      double warmupMaxSeconds,
      int minBlocks,
      double targetHalfWidth,
      double maxSeconds,
      long seed) {}

  /**
   * What runs just before and just after each of a model's blocks, outside every call's clock (a
   * flush-to-zero twin switches the thread's arithmetic mode here, so that exactly its block runs
   * flushed). {@code after} runs even when the block fails.
   */
  public interface BlockHook {
    BlockHook NONE = new BlockHook() {
      @Override
      public void before() {}

      @Override
      public void after() {}
    };

    void before();

    void after();
  }

  /** Which model is compared with which: {@code ratio = latency(model) / latency(reference)}. */
  public record Comparison(int model, int reference) {}

  /**
   * What came out.
   *
   * @param stats per model, over the calls of the kept rounds
   * @param ratios per comparison, null when fewer than two rounds were kept
   * @param ciReached whether every ratio reached the target before the budget ran out
   * @param rounds rounds kept
   * @param gcPauses garbage collections that overlapped measurement (their rounds were discarded)
   * @param concurrentTasks most tasks seen running in this JVM during measurement
   */
  public record Result(
      List<LatencyStats> stats,
      List<PairedRatio> ratios,
      boolean ciReached,
      int rounds,
      double warmupSeconds,
      double measureSeconds,
      int gcPauses,
      int concurrentTasks) {}

  private static final int SETTLE_WINDOW = 5;
  private static final double SETTLE_TOLERANCE = 0.02;
  private static final double CONFIDENCE = 0.95;
  /** Recompute the intervals every this many rounds (a bootstrap is cheap but not free). */
  private static final int CHECK_EVERY = 5;
  /** How far past timing.max_seconds measurement may go to complete its second round. */
  static final int OVERRUN = 10;
  /** How far past timing.max_seconds an undecided row may be measured, in all. */
  public static final int DECIDE = 4;

  private InterleavedTimer() {}

  public static Result measure(
      List<UnaryOperator<NDArray>> models,
      NDArray input,
      List<Comparison> comparisons,
      Settings settings,
      IntSupplier activeTasks) {
    return measure(
        models, java.util.Collections.nCopies(models.size(), BlockHook.NONE), input, comparisons, r -> false, settings, activeTasks);
  }

  /**
   * @param hooks per model, run around each of its blocks (warm-up blocks included)
   * @param undecided whether the ratios (one per comparison) still leave the answer open, so that
   *     more rounds could change it: then measuring goes on past the budget
   */
  public static Result measure(
      List<UnaryOperator<NDArray>> models,
      List<BlockHook> hooks,
      NDArray input,
      List<Comparison> comparisons,
      Predicate<List<PairedRatio>> undecided,
      Settings settings,
      IntSupplier activeTasks) {
    int n = models.size();
    if (hooks.size() != n) {
      throw new IllegalArgumentException("one hook per model expected, found " + hooks.size() + " for " + n);
    }
    int block = settings.blockSize();
    long[] buffer = new long[block];

    RoundOrder order = new RoundOrder(n, settings.seed());
    // Warm-up.
    long warmStart = System.nanoTime();
    double[][] warmMedians = new double[n][16];
    int warmRounds = 0;
    while (true) {
      for (int m : order.next()) {
        runBlock(models.get(m), hooks.get(m), input, buffer);
        warmMedians[m] = grow(warmMedians[m], warmRounds + 1);
        warmMedians[m][warmRounds] = Percentiles.median(buffer, 0, block);
      }
      warmRounds++;
      boolean enoughCalls = (long) warmRounds * block >= settings.minWarmupCalls();
      boolean settled = true;
      for (int m = 0; m < n; m++) {
        settled &= StoppingRule.settled(warmMedians[m], warmRounds, SETTLE_WINDOW, SETTLE_TOLERANCE);
      }
      double spent = (System.nanoTime() - warmStart) / 1e9;
      if ((enoughCalls && settled) || spent >= settings.warmupMaxSeconds()) {
        break;
      }
    }
    double warmupSeconds = (System.nanoTime() - warmStart) / 1e9;

    // Measurement.
    long start = System.nanoTime();
    long[][] samples = new long[n][block * 64];
    double[][] medians = new double[n][64];
    int rounds = 0;
    int gcPauses = 0;
    int concurrent = activeTasks.getAsInt();
    List<PairedRatio> ratios = null;
    boolean reached = false;
    double budget = settings.maxSeconds();
    while (true) {
      long gcBefore = gcCount();
      for (int m : order.next()) {
        samples[m] = grow(samples[m], (rounds + 1) * block);
        runBlock(models.get(m), hooks.get(m), input, buffer);
        System.arraycopy(buffer, 0, samples[m], rounds * block, block);
        medians[m] = grow(medians[m], rounds + 1);
        medians[m][rounds] = Percentiles.median(buffer, 0, block);
      }
      concurrent = Math.max(concurrent, activeTasks.getAsInt());
      long collected = gcCount() - gcBefore;
      if (collected > 0) {
        // A pause inside the round would bias one model's block: drop the round for all.
        gcPauses += (int) collected;
      } else {
        rounds++;
      }
      double spent = (System.nanoTime() - start) / 1e9;
      // A ratio needs two rounds: where one round outlasts the budget (a slow model, a loaded
      // machine), the second is measured anyway, up to OVERRUN times the budget.
      boolean outOfTime = spent >= budget && (rounds >= 2 || spent >= OVERRUN * settings.maxSeconds());
      if (rounds >= 2 && (outOfTime || (rounds >= settings.minBlocks() && rounds % CHECK_EVERY == 0))) {
        ratios = ratios(comparisons, medians, rounds);
        reached = true;
        for (PairedRatio r : ratios) {
          reached &= StoppingRule.precise(r, settings.minBlocks(), settings.targetHalfWidth());
        }
        boolean extended = budget > settings.maxSeconds();
        boolean open = !reached && (extended || outOfTime) && undecided.test(ratios);
        if (reached || (extended && !open) || (outOfTime && (extended || !open))) {
          break;
        }
        if (outOfTime) {
          // Spent, yet the intervals cannot tell the answer: more rounds, not a wrong answer.
          budget = DECIDE * settings.maxSeconds();
        }
      } else if (outOfTime) {
        break;
      }
    }
    double measureSeconds = (System.nanoTime() - start) / 1e9;
    LatencyStats[] stats = new LatencyStats[n];
    for (int m = 0; m < n; m++) {
      stats[m] = rounds == 0 ? null : LatencyStats.of(samples[m], rounds * block);
    }
    return new Result(
        Arrays.asList(stats), ratios, reached, rounds, warmupSeconds, measureSeconds, gcPauses, concurrent);
  }

  private static List<PairedRatio> ratios(
      List<Comparison> comparisons, double[][] medians, int rounds) {
    return comparisons.stream()
        .map(c -> PairedRatio.estimate(medians[c.model()], medians[c.reference()], rounds, CONFIDENCE))
        .toList();
  }

  private static void runBlock(UnaryOperator<NDArray> model, BlockHook hook, NDArray input, long[] out) {
    hook.before();
    try {
      for (int i = 0; i < out.length; i++) {
        long t0 = System.nanoTime();
        // Native calls are never elided by the JIT; copying the output materialises it.
        try (NDArray result = model.apply(input)) {
          result.toByteBuffer();
        }
        out[i] = System.nanoTime() - t0;
      }
    } finally {
      hook.after();
    }
  }

  private static long gcCount() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionCount());
    }
    return total;
  }

  private static long[] grow(long[] a, int needed) {
    return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, a.length * 2));
  }

  private static double[] grow(double[] a, int needed) {
    return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, a.length * 2));
  }
}
