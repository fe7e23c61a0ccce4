package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.engine.RestoresIntraOpThreads;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.InterleavedTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The flush twin's block hook: flushing is on for exactly the flushed model's blocks and off again
 * afterwards, and the toggle itself costs nothing the A/A band would see.
 */
@ExtendWith(RestoresIntraOpThreads.class)
class FlushTwinTest {
  private static final InterleavedTimer.Settings SETTINGS =
      new InterleavedTimer.Settings(20, 200, 0.5, 20, 0.01, 2.0, 11);
  private static volatile float subnormal = 2.9e-39f;

  @BeforeAll
  static void oneThread() {
    DjlRuntime.useThreads(1);
    assertThat(FlushToZero.unavailableReason()).isNull();
  }

  private static UnaryOperator<NDArray> linear(NDArray weight) {
    return x -> x.matMul(weight);
  }

  @Test
  void exactlyTheFlushedModelsBlocksRunFlushedAndJavaIsRestoredAfter() {
    List<Boolean> plain = new ArrayList<>();
    List<Boolean> flushed = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray w = manager.randomNormal(new Shape(32, 32));
      NDArray x = manager.randomNormal(new Shape(4, 32));
      UnaryOperator<NDArray> call = linear(w);
      InterleavedTimer.measure(
          List.of(
              in -> { plain.add(FlushToZero.javaArithmeticFlushes()); return call.apply(in); },
              in -> { flushed.add(FlushToZero.javaArithmeticFlushes()); return call.apply(in); }),
          List.of(InterleavedTimer.BlockHook.NONE, TimeStage.FLUSH),
          x,
          List.of(new InterleavedTimer.Comparison(1, 0)),
          ratios -> false,
          new InterleavedTimer.Settings(5, 10, 0.1, 4, 0.5, 0.2, 3),
          () -> 1);
    }
    assertThat(plain).isNotEmpty().containsOnly(false);
    assertThat(flushed).isNotEmpty().containsOnly(true);
    // After a flushed block, Java's own subnormal product is subnormal again, not 0.
    assertThat(subnormal * 0.5f).isNotZero().isLessThan(Float.MIN_NORMAL);
  }

  /** The same normal-valued model timed plain, plain again (A/A) and flushed, in the same rounds. */
  @Test
  void theToggleDoesNotMoveTheAaBand() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray w = manager.randomNormal(new Shape(50, 50)).div(7);
      NDArray x = manager.randomNormal(new Shape(64, 50));
      UnaryOperator<NDArray> call = linear(w);
      UnaryOperator<NDArray> copy = linear(w.duplicate());
      InterleavedTimer.Result r = InterleavedTimer.measure(
          List.of(call, copy, call),
          List.of(InterleavedTimer.BlockHook.NONE, InterleavedTimer.BlockHook.NONE, TimeStage.FLUSH),
          x,
          List.of(new InterleavedTimer.Comparison(1, 0), new InterleavedTimer.Comparison(2, 0)),
          ratios -> false,
          SETTINGS,
          () -> 1);
      PairedRatio aa = r.ratios().get(0);
      PairedRatio toggled = r.ratios().get(1);
      System.out.printf("A/A %.4f [%.4f, %.4f]; flushed/plain on normal values %.4f [%.4f, %.4f] (%d rounds)%n",
          aa.ratio(), aa.ciLow(), aa.ciHigh(), toggled.ratio(), toggled.ciLow(), toggled.ciHigh(), r.rounds());
      // Lenient (a shared machine): the toggle's own cost would show as a ratio away from 1.
      assertThat(toggled.ratio()).isBetween(0.95, 1.05);
    }
  }

  /** Subnormal weights in a 256×256 product: flushing never makes the call slower (much faster on Intel). */
  @Test
  void flushingSubnormalWeightsIsNeverSlower() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray w = manager.randomNormal(new Shape(256, 256)).mul(1e-39f);
      NDArray x = manager.randomNormal(new Shape(16, 256));
      UnaryOperator<NDArray> call = linear(w);
      InterleavedTimer.Result r = InterleavedTimer.measure(
          List.of(call, call),
          List.of(InterleavedTimer.BlockHook.NONE, TimeStage.FLUSH),
          x,
          List.of(new InterleavedTimer.Comparison(1, 0)),
          ratios -> false,
          new InterleavedTimer.Settings(5, 10, 0.3, 10, 0.02, 1.0, 5),
          () -> 1);
      PairedRatio speedUp = r.ratios().get(0);
      System.out.printf("subnormal weights: flushed/plain %.4f [%.4f, %.4f]%n", speedUp.ratio(), speedUp.ciLow(), speedUp.ciHigh());
      assertThat(speedUp.ratio()).isLessThan(1.05);
    }
  }
}
