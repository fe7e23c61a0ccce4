package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.precision.PrecisionSupport;
import dev.infersweep.result.Cause;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.Outcome;
import dev.infersweep.result.ResultRow;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.Protocol;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.Weights;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The last stage on its own: no engine, no Spark, hand-made stage outputs. */
class RowAssemblerTest {
  private static final RunSpec SPEC = spec();

  private static RunSpec spec() {
    GridConfig config =
        GridLoader.parse(
            "t.yaml",
            "t",
            "model: {input: 1, hidden: 1, output: 2}\n"
                + "grid: {epochs: [0, 10], precision: [fp32, bf16], protocol: [rigorous, seed]}");
    return GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
  }

  private static Opened opened() {
    return new Opened(
        SPEC,
        Device.cpu(),
        null,
        Map.of(
            Precision.FP32, new PrecisionSupport.Verdict(true, ""),
            Precision.BF16, new PrecisionSupport.Verdict(false, "bf16 aborts the JVM")),
        null);
  }

  private static Checkpoint checkpoint(int epoch) {
    Weights w = new Weights(SPEC.network(), 1f, List.of(new float[1], new float[2]), List.of(new float[1], new float[2]));
    return new Checkpoint(epoch, epoch, 0.7, 0.5, 0.1, epoch == 0 ? null : 3.5, w);
  }

  private static Outcome measured() {
    return new Outcome.Measured(
        new Measurement(LatencyStats.of(new long[] {100, 110}), 100.0, 1.0, 0.99, 1.01, 0.005, 30.0, true, 20, 0.1, 0.2, 0, 1, null, null, null, null, Cause.NONE, null, null));
  }

  @Test
  void givesEveryCellExactlyOneRowWithTheOutcomeOfItsStage() {
    Point rigorous0 =
        Point.empty().with(Axes.EPOCHS, 0).with(Axes.PRECISION, Precision.FP32).with(Axes.BATCH_SIZE, 1)
            .with(Axes.PROTOCOL, Protocol.RIGOROUS).with(Axes.INTRA_OP_THREADS, 1);
    TreeMap<Integer, Checkpoint> reached = new TreeMap<>(Map.of(0, checkpoint(0)));
    Trained trained = new Trained(reached, Map.of(rigorous0.with(Axes.PROTOCOL, Protocol.SEED), measured()), new Outcome.Failed("train_loss became NaN at epoch 3", "DivergedException: train_loss became NaN\n\tat Training"));

    List<ResultRow> rows =
        RowAssembler.rows(SPEC, opened(), null, trained, Map.of(rigorous0, measured()), Map.of(), 1L, 2L);

    assertThat(rows).hasSize(SPEC.expectedRows()).hasSize(8);
    assertThat(new HashSet<>(rows.stream().map(ResultRow::rowId).toList())).hasSize(8);
    for (ResultRow r : rows) {
      int epochs = r.value(Axes.EPOCHS);
      Precision precision = r.value(Axes.PRECISION);
      if (epochs == 10) {
        // Training never reached it: the training error, whatever the precision.
        assertThat(r.status()).isEqualTo(RowStatus.FAILED);
        assertThat(r.outcome().error()).contains("NaN at epoch 3");
        assertThat(r.training()).isNull();
      } else if (precision == Precision.BF16) {
        assertThat(r.status()).isEqualTo(RowStatus.UNSUPPORTED);
        assertThat(r.outcome().error()).isEqualTo("bf16 aborts the JVM");
      } else {
        assertThat(r.status()).isEqualTo(RowStatus.OK);
        assertThat(r.training().trainLoss()).isEqualTo(0.7);
      }
    }
  }

  @Test
  void aRunThatCouldNotOpenFailsEveryRowWithTheReason() {
    List<ResultRow> rows =
        RowAssembler.rows(SPEC, null, null, Trained.failed(new Outcome.Failed("engine: no native library")), Map.of(), Map.of(), null, null);
    assertThat(rows).hasSize(8).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RowStatus.FAILED);
      assertThat(r.outcome().error()).isEqualTo("engine: no native library");
    });
  }
}
