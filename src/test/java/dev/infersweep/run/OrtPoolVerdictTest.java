package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.net.InputValues;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ReadModel;
import dev.infersweep.read.ReadModels;
import dev.infersweep.result.Controls;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.InterleavedTimer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's flush twin above one intra-op thread is timed only where the pool check saw the
 * workers flush: with the verdict injected, a failing check leaves the twin's sessions out and its
 * columns null with the check's reason; a passing one puts them in; at one thread it is not asked.
 */
class OrtPoolVerdictTest {
  private static final String REFUSED = "with 2 intra-op threads, injected: a worker stayed unflushed";

  private static ReadModels series() throws Exception {
    String path = Path.of("src/test/resources/onnx/bn_mlp.onnx").toAbsolutePath().toString();
    ReadModel spec = ReadModel.of(ModelSource.Kind.SERIES, path, new long[] {20}, InputValues.FLOAT32, 0L, path,
        Files.size(Path.of(path)), 0L);
    return ReadModels.read(spec, p -> Files.readAllBytes(Path.of(p)));
  }

  private static void assumeFlushing() {
    DjlRuntime.engine();
    assumeTrue(FlushToZero.unavailableReason() == null, "flush-to-zero unavailable: " + FlushToZero.unavailableReason());
  }

  /** The measurement's controls with every present contrast at ratio 1, as the timer would hand them over. */
  private static Controls controls(CellModels cell) {
    List<LatencyStats> stats = cell.models.keySet().stream().map(m -> LatencyStats.of(new long[] {1000, 1000, 1000})).toList();
    List<PairedRatio> ratios = new ArrayList<>();
    for (TimedModel.Contrast c : TimedModel.Contrast.values()) {
      if (cell.models.containsKey(c.model) && cell.models.containsKey(c.reference)) {
        ratios.add(new PairedRatio(1, 0.9, 1.1, 12, 0.01, 11));
      }
    }
    return TimeStage.measurement(new InterleavedTimer.Result(stats, ratios, true, 12, 0.1, 0.5, 0, 1), cell).controls();
  }

  @Test
  void aFailedPoolCheckLeavesTheTwinOutWithItsReason() throws Exception {
    assumeFlushing();
    try (CellModels cell = new CellModels(series(), Device.cpu(), 2, threads -> REFUSED)) {
      assertThat(cell.models).doesNotContainKeys(TimedModel.FLUSHED, TimedModel.FLUSHED_BASELINE)
          .containsKeys(TimedModel.TRAINED, TimedModel.BASELINE, TimedModel.ZEROED);
      assertThat(cell.flushUnavailable).isEqualTo(REFUSED);
      Controls c = controls(cell);
      assertThat(c.flushed()).isNull();
      assertThat(c.flushedVsTrained()).isNull();
      assertThat(c.flushUnavailable()).isEqualTo(REFUSED);
      assertThat(c.zeroed()).isNotNull();
    }
  }

  @Test
  void aPassedPoolCheckTimesTheTwin() throws Exception {
    assumeFlushing();
    List<Integer> asked = new ArrayList<>();
    try (CellModels cell = new CellModels(series(), Device.cpu(), 2, threads -> {
          asked.add(threads);
          return null;
        })) {
      assertThat(asked).containsExactly(2);
      assertThat(cell.models).containsKeys(TimedModel.FLUSHED, TimedModel.FLUSHED_BASELINE);
      assertThat(cell.flushUnavailable).isNull();
      assertThat(controls(cell).flushedVsTrained()).isNotNull();
    }
  }

  @Test
  void atOneThreadThePoolIsNotChecked() throws Exception {
    assumeFlushing();
    AtomicInteger asked = new AtomicInteger();
    try (CellModels cell = new CellModels(series(), Device.cpu(), 1, threads -> {
          asked.incrementAndGet();
          return REFUSED;
        })) {
      assertThat(asked).hasValue(0);
      assertThat(cell.models).containsKeys(TimedModel.FLUSHED, TimedModel.FLUSHED_BASELINE);
      assertThat(Arrays.asList(cell.flushUnavailable)).containsOnlyNulls();
    }
  }
}
