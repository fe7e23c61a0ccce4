package dev.infersweep.timing;

import ai.djl.ndarray.NDArray;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.stats.Percentiles;
import dev.infersweep.stats.StoppingRule;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collections;
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
        models, Collections.nCopies(models.size(), BlockHook.NONE), input, comparisons, r -> false, settings, activeTasks);
  }

  /**
   * @param hooks per model, run around each of its blocks (warm-up blocks included)
   * @param undecided whether the ratios (one per comparison) still leave the answer open, so that
   *     more rounds could change it: then measuring goes on past the budget, up to {@link #DECIDE}
   *     times it
   */
  public static Result measure(
      List<UnaryOperator<NDArray>> models,
      List<BlockHook> hooks,
      NDArray input,
      List<Comparison> comparisons,
      Predicate<List<PairedRatio>> undecided,
      Settings settings,
      IntSupplier activeTasks) {
    List<Runnable> calls = models.stream().map(m -> call(m, input)).toList();
    return measureCalls(calls, hooks, comparisons, undecided, settings, activeTasks);
  }

  /** One call of {@code model} on {@code input}, its output copied out (materialised) and freed. */
  static Runnable call(UnaryOperator<NDArray> model, NDArray input) {
    return () -> {
      // Native calls are never elided by the JIT; copying the output materialises it.
      try (NDArray result = model.apply(input)) {
        result.toByteBuffer();
      }
    };
  }

  /**
   * Times prepared calls, each one inference call whose output is materialised before it returns
   * (an engine's input is made once, outside the clocks): the same rounds as {@link #measure}.
   */
  public static Result measureCalls(
      List<Runnable> calls,
      List<BlockHook> hooks,
      List<Comparison> comparisons,
      Predicate<List<PairedRatio>> undecided,
      Settings settings,
      IntSupplier activeTasks) {
    if (hooks.size() != calls.size()) {
      throw new IllegalArgumentException("one hook per model expected, found " + hooks.size() + " for " + calls.size());
    }
    Blocks blocks = new Blocks(calls, hooks, settings.blockSize());
    RoundOrder order = new RoundOrder(calls.size(), settings.seed());
    double warmupSeconds = warmUp(blocks, order, settings);
    return measureRounds(blocks, order, comparisons, undecided, settings, activeTasks, warmupSeconds);
  }

  /** Warm-up rounds until every model has had its calls and settled, or the budget is spent; seconds spent. */
  private static double warmUp(Blocks blocks, RoundOrder order, Settings settings) {
    long warmStart = System.nanoTime();
    int n = blocks.count();
    double[][] warmMedians = new double[n][16];
    int warmRounds = 0;
    while (true) {
      for (int m : order.next()) {
        long[] times = blocks.run(m);
        warmMedians[m] = KeptRounds.grow(warmMedians[m], warmRounds + 1);
        warmMedians[m][warmRounds] = Percentiles.median(times, 0, times.length);
      }
      warmRounds++;
      boolean enoughCalls = (long) warmRounds * blocks.size() >= settings.minWarmupCalls();
      boolean settled = true;
      for (int m = 0; m < n; m++) {
        settled &= StoppingRule.settled(warmMedians[m], warmRounds, SETTLE_WINDOW, SETTLE_TOLERANCE);
      }
      double spent = (System.nanoTime() - warmStart) / 1e9;
      if ((enoughCalls && settled) || spent >= settings.warmupMaxSeconds()) {
        return spent;
      }
    }
  }

  /**
   * Measured rounds until every ratio is precise enough or the budget is spent; a spent budget is
   * extended once where the ratios leave the answer open, and measuring stops as soon as they do not.
   */
  private static Result measureRounds(
      Blocks blocks,
      RoundOrder order,
      List<Comparison> comparisons,
      Predicate<List<PairedRatio>> undecided,
      Settings settings,
      IntSupplier activeTasks,
      double warmupSeconds) {
    long start = System.nanoTime();
    KeptRounds rounds = new KeptRounds(blocks.count(), blocks.size());
    int gcPauses = 0;
    int concurrent = activeTasks.getAsInt();
    List<PairedRatio> ratios = null;
    boolean reached = false;
    double budget = settings.maxSeconds();
    while (true) {
      long gcBefore = gcCount();
      for (int m : order.next()) {
        rounds.record(m, blocks.run(m));
      }
      concurrent = Math.max(concurrent, activeTasks.getAsInt());
      long collected = gcCount() - gcBefore;
      if (collected > 0) {
        // A pause inside the round would bias one model's block: drop the round for all.
        gcPauses += (int) collected;
      } else {
        rounds.keep();
      }
      boolean outOfTime = outOfTime((System.nanoTime() - start) / 1e9, budget, rounds.kept(), settings);
      if (rounds.kept() >= 2 && (outOfTime || rounds.checkDue(settings.minBlocks(), CHECK_EVERY))) {
        ratios = ratios(comparisons, rounds);
        reached = ratios.stream().allMatch(r -> StoppingRule.precise(r, settings.minBlocks(), settings.targetHalfWidth()));
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
    return new Result(
        rounds.stats(), ratios, reached, rounds.kept(), warmupSeconds, measureSeconds, gcPauses, concurrent);
  }

  /**
   * Whether measurement has spent its budget. A ratio needs two rounds: where one round outlasts the
   * budget (a slow model, a loaded machine), the second is measured anyway, up to OVERRUN times
   * timing.max_seconds.
   */
  private static boolean outOfTime(double spent, double budget, int kept, Settings settings) {
    return spent >= budget && (kept >= 2 || spent >= OVERRUN * settings.maxSeconds());
  }

  private static List<PairedRatio> ratios(List<Comparison> comparisons, KeptRounds rounds) {
    return comparisons.stream()
        .map(c -> PairedRatio.estimate(rounds.medians(c.model()), rounds.medians(c.reference()), rounds.kept(), CONFIDENCE))
        .toList();
  }

  /** The models, their hooks and the shared input; runs one model's block into one reused buffer. */
  private static final class Blocks {
    private final List<Runnable> models;
    private final List<BlockHook> hooks;
    private final long[] buffer;

    Blocks(List<Runnable> models, List<BlockHook> hooks, int blockSize) {
      this.models = models;
      this.hooks = hooks;
      this.buffer = new long[blockSize];
    }

    int count() {
      return models.size();
    }

    int size() {
      return buffer.length;
    }

    /** Model {@code m}'s block; the call times, valid until the next block. */
    long[] run(int m) {
      runBlock(models.get(m), hooks.get(m), buffer);
      return buffer;
    }
  }

  private static void runBlock(Runnable call, BlockHook hook, long[] out) {
    hook.before();
    try {
      for (int i = 0; i < out.length; i++) {
        long t0 = System.nanoTime();
        call.run();
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
}
