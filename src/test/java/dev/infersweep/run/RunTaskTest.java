package dev.infersweep.run;

import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.DeviceKind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.ResultRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTaskTest {
  private static RunSpec spec(DeviceKind device) {
    GridConfig config =
        GridLoader.parse(
            "t.yaml",
            "t",
            "data: {samples: 32}\ngrid: {epochs: [0, 1], precision: [fp32]}\n"
                + "timing: {warmup_iterations: 5, warmup_max_seconds: 0.02, min_blocks: 4, max_seconds: 0.2}");
    return GridExpander.expand(config, "s", "2026-01-01", 1, device).get(0);
  }

  @Test
  void aGpuRunWithoutAGpuFailsEveryRowWithTheReason() {
    List<ResultRow> rows = RunTask.execute(spec(DeviceKind.GPU), new Executor("7", "4.1.0", List.of("3")));
    assertThat(rows).hasSize(2).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RowStatus.FAILED);
      assertThat(r.outcome().error()).contains("device gpu:3 requested").contains("sees no GPU");
      assertThat(r.environment().device()).isEqualTo("gpu:3");
      assertThat(r.environment().executorId()).isEqualTo("7");
    });
  }

  @Test
  void aCpuRunReturnsExactlyItsRowsMeasured() {
    RunSpec spec = spec(DeviceKind.CPU);
    List<ResultRow> rows = RunTask.execute(spec, new Executor("1", "4.1.0"));
    assertThat(rows).hasSize(spec.expectedRows());
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RowStatus.OK);
      assertThat(r.measurement().latencyRatio()).isPositive();
      assertThat(r.environment().gpuName()).isNull();
      assertThat(r.diagnostics()).isNotNull();
    });
  }

  @Test
  void aRunThatDivergesKeepsTheTraceOfWhatStoppedIt() {
    GridConfig config = GridLoader.parse("t.yaml", "t",
        "train: {learning_rate: 100}\ndata: {samples: 50}\ngrid: {epochs: [0, 400], activation_scale: [1000]}\n"
            + "timing: {warmup_iterations: 5, warmup_max_seconds: 0.02, min_blocks: 4, max_seconds: 0.1}");
    List<ResultRow> rows = RunTask.execute(GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0), new Executor("1", "4.2.0"));
    ResultRow failed = rows.stream().filter(r -> r.status() == RowStatus.FAILED).findFirst().orElseThrow();
    assertThat(failed.outcome().error()).contains("DivergedException").contains("epoch 400");
    assertThat(failed.outcome().errorTrace()).contains("DivergedException").contains("at dev.infersweep.train.");
    assertThat(dev.infersweep.result.ResultSchema.toRow(failed).<String>getAs("error_trace")).isEqualTo(failed.outcome().errorTrace());
  }
}
