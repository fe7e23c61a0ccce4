package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.Controls;
import dev.infersweep.result.Outcome;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.InterleavedTimer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code timing.threads} in the timing stage: each cell is timed at its count, the task's count is
 * back afterwards, and the flush twin at 2 threads runs its blocks with every worker flushed (read
 * back from libtorch's own chunked product inside the hook, as a block would run).
 */
class IntraOpThreadsTest {
  private static final int CHUNK = 2 * 32768;
  private static Opened opened;
  private static Trained trained;
  private static int before;

  @BeforeAll
  static void train() {
    DjlRuntime.engine();
    before = JniUtils.getNumThreads();
    RunSpec spec =
        GridExpander.expand(
                GridLoader.parse("t.yaml", "t", "data: {samples: 32}\ngrid: {epochs: [0, 2]}\ntiming: {batch_sizes: [4], threads: [1, 2]}\n"),
                "s", "2026-01-01", 1, DeviceKind.CPU)
            .get(0);
    opened = OpenStage.open(spec, OpenStage.place(spec, new Executor("1", "4.2.0")), null);
    trained = TrainStage.train(opened, () -> 1);
    assertThat(trained.failure()).isNull();
  }

  @AfterAll
  static void restore() {
    DjlRuntime.useThreads(before);
  }

  /** Per chunk of 2 × 65536 products: true when both the FTZ and the DAZ product came out 0 there. */
  private static List<Boolean> chunksFlushed(int threads) {
    float[] tiny = new float[threads * CHUNK];
    float[] sub = new float[threads * CHUNK];
    float[] scale = new float[threads * CHUNK];
    Arrays.fill(tiny, 1e-20f);
    Arrays.fill(sub, 2.9e-39f);
    Arrays.fill(scale, 16777216f);
    float[] ftz;
    float[] daz;
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray t = m.create(tiny);
      ftz = t.mul(t).toFloatArray();
      daz = m.create(sub).mul(m.create(scale)).toFloatArray();
    }
    List<Boolean> out = new ArrayList<>();
    for (int c = 0; c < threads; c++) {
      boolean all = true;
      for (int i = c * CHUNK; i < (c + 1) * CHUNK; i++) {
        // Bits, not a float comparison: under DAZ, 1e-40f == 0f holds in Java too.
        all &= Float.floatToRawIntBits(ftz[i]) == 0 && Float.floatToRawIntBits(daz[i]) == 0;
      }
      out.add(all);
    }
    return out;
  }

  /** Records the count each cell was timed at and, inside each flushed block's hook, which threads flushed. */
  private static final class Recorder implements TimeStage.Timer {
    final List<Integer> counts = new ArrayList<>();
    final List<List<Boolean>> flushedBlocks = new ArrayList<>();
    final List<List<Boolean>> plainAfter = new ArrayList<>();

    @Override
    public InterleavedTimer.Result measure(
        List<Runnable> models,
        List<InterleavedTimer.BlockHook> hooks,
        List<InterleavedTimer.Comparison> comparisons,
        Predicate<List<PairedRatio>> undecided,
        InterleavedTimer.Settings settings,
        IntSupplier activeTasks) {
      int threads = JniUtils.getNumThreads();
      counts.add(threads);
      for (InterleavedTimer.BlockHook hook : hooks) {
        if (hook == TimeStage.FLUSH) {
          hook.before();
          try {
            flushedBlocks.add(chunksFlushed(threads));
          } finally {
            hook.after();
          }
          plainAfter.add(chunksFlushed(threads));
        }
      }
      List<LatencyStats> stats = models.stream().map(m -> LatencyStats.of(new long[] {1000, 1000, 1000})).toList();
      List<PairedRatio> ratios = comparisons.stream().map(c -> new PairedRatio(1, 0.9, 1.1, 12, 0.01, 11)).toList();
      return new InterleavedTimer.Result(stats, ratios, true, 12, 0.25, 0.75, 0, 1);
    }
  }

  @Test
  void eachCellIsTimedAtItsCountWithEveryWorkerOfTheFlushTwinFlushed() {
    Recorder recorder = new Recorder();
    Map<Point, Outcome> outcomes = TimeStage.time(opened, trained, () -> 1, recorder);
    assertThat(outcomes).hasSize(4);
    assertThat(recorder.counts).containsExactlyInAnyOrder(1, 1, 2, 2);
    assertThat(JniUtils.getNumThreads()).as("the task's own count is back").isEqualTo(opened.spec().threads());
    outcomes.forEach((cell, outcome) -> {
      assertThat(outcome).as("%s", outcome.error()).isInstanceOf(Outcome.Measured.class);
      Controls c = ((Outcome.Measured) outcome).measurement().controls();
      assertThat(c.flushUnavailable()).as("cell %s", cell).isNull();
      assertThat(c.flushed()).isNotNull();
    });
    // One flushed block per hook: two per cell (T_f and B_f); at 2 threads both chunks flushed, and none after.
    assertThat(recorder.flushedBlocks).hasSize(8);
    assertThat(recorder.flushedBlocks).filteredOn(b -> b.size() == 2).hasSize(4).allSatisfy(b -> assertThat(b).containsOnly(true));
    assertThat(recorder.plainAfter).allSatisfy(b -> assertThat(b).containsOnly(false));
  }

  @Test
  void aCellsCountIsSetForItAndRestoredEvenWhenItFails() {
    TimeStage.Timer failing = (models, hooks, comparisons, undecided, settings, tasks) -> {
      throw new IllegalStateException("timer failed at " + JniUtils.getNumThreads() + " threads");
    };
    Map<Point, Outcome> outcomes = TimeStage.time(opened, trained, () -> 1, failing);
    outcomes.forEach((cell, outcome) ->
        assertThat(outcome.error()).contains("timer failed at " + cell.get(Axes.INTRA_OP_THREADS) + " threads"));
    assertThat(JniUtils.getNumThreads()).isEqualTo(opened.spec().threads());
  }
}
