package dev.infersweep.run;

import static dev.infersweep.run.TimedModel.BASELINE;
import static dev.infersweep.run.TimedModel.BASELINE_COPY;
import static dev.infersweep.run.TimedModel.FLUSHED;
import static dev.infersweep.run.TimedModel.FLUSHED_BASELINE;
import static dev.infersweep.run.TimedModel.RESCALED;
import static dev.infersweep.run.TimedModel.RESCALED_BASELINE;
import static dev.infersweep.run.TimedModel.TRAINED;
import static dev.infersweep.run.TimedModel.TRAINED_COPY;
import static dev.infersweep.run.TimedModel.ZEROED;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.Controls;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.Outcome;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.InterleavedTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The timing stage with a fake timer: each timed model has its own latency (a distinct prime, so
 * every ordered pair of models has its own ratio), and each field of a row's measurement and
 * controls must carry the ratio of the pair docs/measurement.md names for it. Swapping two
 * contrasts, a contrast's two models, or two of the fields fails here.
 */
class TimeStageTest {
  private static final long[] PRIMES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31};
  /** Models in the order the stage hands them to the timer: every model, in declaration order. */
  private static final List<TimedModel> ORDER = List.of(TimedModel.values());

  private static Opened opened;
  private static Trained trained;

  @BeforeAll
  static void trainTheArticlesNetwork() {
    RunSpec spec =
        GridExpander.expand(
                GridLoader.parse("t.yaml", "t", "data: {samples: 32}\ngrid: {epochs: [0, 2]}\ntiming: {batch_sizes: [4]}\n"),
                "s", "2026-01-01", 1, DeviceKind.CPU)
            .get(0);
    opened = OpenStage.open(spec, OpenStage.place(spec, new Executor("1", "4.2.0")), null);
    // Every control, the flush twin included: the article's relu network, one thread, a CPU with FTZ.
    assertThat(FlushToZero.unavailableReason()).isNull();
    trained = TrainStage.train(opened, () -> 1);
    assertThat(trained.failure()).isNull();
  }

  private static long nanos(TimedModel model) {
    return 1000 * PRIMES[ORDER.indexOf(model)];
  }

  /** The fake's ratio of {@code model} over {@code reference}: its interval, log SE and df name the pair too. */
  private static PairedRatio ratio(TimedModel model, TimedModel reference) {
    double r = (double) nanos(model) / nanos(reference);
    int pair = 10 * ORDER.indexOf(model) + ORDER.indexOf(reference);
    return new PairedRatio(r, r * 0.9, r * 1.2, 12, 0.001 * (pair + 1), 100 + pair);
  }

  /** Times nothing: answers with every model's latency and each comparison's ratio, and keeps the hooks. */
  private static final class FakeTimer implements TimeStage.Timer {
    final List<List<InterleavedTimer.BlockHook>> hooks = new ArrayList<>();

    @Override
    public InterleavedTimer.Result measure(
        List<Runnable> models,
        List<InterleavedTimer.BlockHook> blockHooks,
        List<InterleavedTimer.Comparison> comparisons,
        java.util.function.Predicate<List<PairedRatio>> undecided,
        InterleavedTimer.Settings settings,
        IntSupplier activeTasks) {
      assertThat(models).hasSameSizeAs(ORDER);
      hooks.add(blockHooks);
      List<LatencyStats> stats = ORDER.stream().map(m -> LatencyStats.of(new long[] {nanos(m), nanos(m), nanos(m)})).toList();
      List<PairedRatio> ratios = comparisons.stream().map(c -> ratio(ORDER.get(c.model()), ORDER.get(c.reference()))).toList();
      return new InterleavedTimer.Result(stats, ratios, true, 12, 0.25, 0.75, 3, 2);
    }
  }

  private static List<Measurement> measured(FakeTimer timer) {
    Map<Point, Outcome> outcomes = TimeStage.time(opened, trained, () -> 1, timer);
    assertThat(outcomes).hasSize(2);
    return outcomes.values().stream()
        .map(o -> {
          assertThat(o).as("%s", o.error()).isInstanceOf(Outcome.Measured.class);
          return ((Outcome.Measured) o).measurement();
        })
        .toList();
  }

  @Test
  void everyRatioComesFromThePairOfModelsItIsNamedFor() {
    for (Measurement m : measured(new FakeTimer())) {
      PairedRatio latency = ratio(TRAINED, BASELINE);
      assertThat(m.latencyRatio()).isEqualTo(latency.ratio());
      assertThat(m.ratioCiLow()).isEqualTo(latency.ciLow());
      assertThat(m.ratioCiHigh()).isEqualTo(latency.ciHigh());
      assertThat(m.ratioLogSe()).isEqualTo(latency.logSe());
      assertThat(m.ratioDf()).isEqualTo(latency.df());
      assertThat(m.latency().p50Nanos()).isEqualTo(nanos(TRAINED));
      assertThat(m.baselineP50Nanos()).isEqualTo(nanos(BASELINE));

      Controls c = m.controls();
      assertThat(c.zeroed()).as("zeroed").isEqualTo(ratio(TRAINED, ZEROED));
      assertThat(c.rescaled()).as("rescaled").isEqualTo(ratio(RESCALED, RESCALED_BASELINE));
      assertThat(c.aa()).as("aa").isEqualTo(ratio(TRAINED_COPY, TRAINED));
      assertThat(c.aaLatency()).as("aa_latency").isEqualTo(ratio(TRAINED_COPY, BASELINE_COPY));
      assertThat(c.flushed()).as("flushed").isEqualTo(ratio(FLUSHED, FLUSHED_BASELINE));
      assertThat(c.flushedVsTrained()).as("flushed_vs_trained").isEqualTo(ratio(FLUSHED, TRAINED));
    }
  }

  @Test
  void theTimersOwnFiguresLandInTheirFields() {
    for (Measurement m : measured(new FakeTimer())) {
      assertThat(m.ciReached()).isTrue();
      assertThat(m.blocks()).isEqualTo(12);
      assertThat(m.warmupSeconds()).isEqualTo(0.25);
      assertThat(m.measureSeconds()).isEqualTo(0.75);
      assertThat(m.gcPauses()).isEqualTo(3);
      assertThat(m.concurrentTasks()).isEqualTo(2);
    }
  }

  @Test
  void exactlyTheFlushTwinsBlocksRunFlushed() {
    FakeTimer timer = new FakeTimer();
    measured(timer);
    for (List<InterleavedTimer.BlockHook> hooks : timer.hooks) {
      for (int i = 0; i < ORDER.size(); i++) {
        boolean flushed = ORDER.get(i) == FLUSHED || ORDER.get(i) == FLUSHED_BASELINE;
        assertThat(hooks.get(i)).as("%s", ORDER.get(i)).isSameAs(flushed ? TimeStage.FLUSH : InterleavedTimer.BlockHook.NONE);
      }
    }
  }
}
