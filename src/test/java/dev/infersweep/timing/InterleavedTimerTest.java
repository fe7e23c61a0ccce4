package dev.infersweep.timing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.stats.PairedRatio;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The timer on real engine calls: a model doing several times the work must come out slower. */
class InterleavedTimerTest {
  private static final InterleavedTimer.Settings SETTINGS =
      new InterleavedTimer.Settings(10, 50, 0.5, 10, 0.02, 1.0, 7);

  private static UnaryOperator<NDArray> matmuls(NDArray weight, int times) {
    return x -> {
      NDArray y = x.matMul(weight);
      for (int i = 1; i < times; i++) {
        NDArray next = y.matMul(weight);
        y.close();
        y = next;
      }
      return y;
    };
  }

  /** Times a model doing {@code a} matmuls against one doing {@code b}, on the same input. */
  private static InterleavedTimer.Result compare(int a, int b) {
    DjlRuntime.engine();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray w = manager.randomNormal(new Shape(64, 64)).div(8);
      NDArray x = manager.randomNormal(new Shape(8, 64));
      return InterleavedTimer.measure(
          List.of(matmuls(w, a), matmuls(w, b)),
          x,
          List.of(new InterleavedTimer.Comparison(0, 1)),
          SETTINGS,
          () -> 1);
    }
  }

  @Test
  void detectsAModelThatDoesFourTimesTheWork() {
    InterleavedTimer.Result r = compare(4, 1);
    assertThat(r.rounds()).isGreaterThanOrEqualTo(2);
    assertThat(r.ratios()).hasSize(1);
    // Four matmuls against one: well above 1 however noisy the machine, and the CI excludes 1.
    assertThat(r.ratios().get(0).ratio()).isGreaterThan(1.5);
    assertThat(r.ratios().get(0).ciLow()).isGreaterThan(1.0);
    assertThat(r.stats().get(0).p50Nanos()).isGreaterThan(r.stats().get(1).p50Nanos());
    assertThat(r.stats().get(0).count()).isEqualTo(r.rounds() * SETTINGS.blockSize());
    assertThat(r.concurrentTasks()).isEqualTo(1);
  }

  @Test
  void identicalModelsComeOutNearOne() {
    // Lenient on purpose: a unit test on a shared machine must not flake.
    assertThat(compare(2, 2).ratios().get(0).ratio()).isBetween(0.8, 1.25);
  }

  /** A round that outlasts timing.max_seconds on its own still gets its second round: a ratio needs two. */
  @Test
  void aRoundLongerThanTheBudgetIsFollowedByASecondOne() {
    DjlRuntime.engine();
    UnaryOperator<NDArray> slow = x -> {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return x.duplicate();
    };
    // Blocks of 2 calls of 20 ms: one round of the two models takes 80 ms or more (a sleep is never
    // shorter), over the 50 ms budget; exactly two rounds, however slow the machine (the overrun
    // allows 500 ms). No wall-clock bound: how long the sleeps took says nothing about the timer.
    InterleavedTimer.Settings tight = new InterleavedTimer.Settings(2, 0, 0.001, 2, 0.001, 0.05, 3);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      InterleavedTimer.Result r = InterleavedTimer.measure(
          List.of(slow, slow), manager.ones(new Shape(1, 4)), List.of(new InterleavedTimer.Comparison(0, 1)), tight, () -> 1);
      assertThat(r.rounds()).as("gc pauses %d", r.gcPauses()).isEqualTo(2);
      assertThat(r.ratios()).hasSize(1);
    }
  }

  private static UnaryOperator<NDArray> sleeping(long millis) {
    return x -> {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return x.duplicate();
    };
  }

  /** Two sleeping models timed to a target no interval reaches, so only the budget or the decision ends it. */
  private static InterleavedTimer.Result undecidedFor(java.util.function.Predicate<List<PairedRatio>> undecided) {
    DjlRuntime.engine();
    InterleavedTimer.Settings unreachable = new InterleavedTimer.Settings(2, 0, 0.001, 2, 1e-9, 0.1, 5);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      return InterleavedTimer.measure(
          List.of(sleeping(1), sleeping(1)),
          List.of(InterleavedTimer.BlockHook.NONE, InterleavedTimer.BlockHook.NONE),
          manager.ones(new Shape(1, 4)),
          List.of(new InterleavedTimer.Comparison(0, 1)),
          undecided,
          unreachable,
          () -> 1);
    }
  }

  /** A row whose answer is still open when the budget is spent is measured on until it is decided. */
  @Test
  void anUndecidedRowGetsRoundsUntilItIsDecided() {
    // Open until 10 rounds past those the budget gave (the first time it is asked).
    int[] atBudget = {0};
    int[] asked = {0};
    InterleavedTimer.Result r = undecidedFor(ratios -> {
      if (asked[0]++ == 0) {
        atBudget[0] = ratios.get(0).pairs();
      }
      return ratios.get(0).pairs() < atBudget[0] + 10;
    });
    assertThat(asked[0]).as("asked once the budget is spent, then at each check").isGreaterThanOrEqualTo(2);
    assertThat(r.rounds()).as("rounds past the budget's").isBetween(atBudget[0] + 10, atBudget[0] + 10 + 5);
    assertThat(r.ciReached()).isFalse();
  }

  /** Never decided: measuring ends at DECIDE times the budget, not later. */
  @Test
  void anUndecidedRowStopsAtTheExtendedBudget() {
    InterleavedTimer.Result r = undecidedFor(ratios -> true);
    assertThat(r.measureSeconds()).isGreaterThanOrEqualTo(InterleavedTimer.DECIDE * 0.1);
    // Not later, counted in rounds rather than on the wall clock: a round (2 models, blocks of 2
    // calls of at least 1 ms) takes at least 4 ms, so DECIDE × 0.1 s holds at most DECIDE × 25
    // rounds, and one more is the one that crosses it.
    assertThat(r.rounds()).isLessThanOrEqualTo(InterleavedTimer.DECIDE * 25 + 1);
    assertThat(r.ciReached()).isFalse();
  }
}
