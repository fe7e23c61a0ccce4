package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.net.InputValues;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ReadModel;
import dev.infersweep.result.ResultRow;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ONNX series timed by ONNX Runtime at {@code timing.threads: [1, 2]}, without Spark (the task as
 * an executor runs it): rows at both counts, and at 2 the flush twin is filled, which it is only after
 * the pool check ({@code OrtPoolProbe}) saw the twin's options flush the session's worker.
 */
class OnnxThreadsTest {
  @TempDir Path tmp;

  @Test
  void aSeriesAtOneAndTwoThreadsHasTheFlushTwinAtBoth() throws Exception {
    DjlRuntime.engine();
    assumeTrue(FlushToZero.unavailableReason() == null, "flush-to-zero unavailable: " + FlushToZero.unavailableReason());
    Path file = Files.copy(Path.of("src/test/resources/onnx/bn_mlp.onnx"), tmp.resolve("step_5.onnx"));
    String timing = "timing: {batch_sizes: [4], threads: [1, 2], warmup_iterations: 5, warmup_max_seconds: 0.02,"
        + " block_size: 4, min_blocks: 4, max_seconds: 0.2}\n";
    GridConfig config = GridLoader.parse("r.yaml", "r", "model: {checkpoints: ['" + tmp + "/step_*.onnx'], input_shape: [20]}\n" + timing);
    ModelSource source = (ModelSource) config.model();
    ReadModel listed = ReadModel.of(ModelSource.Kind.SERIES, "file:" + file, new long[] {20}, InputValues.FLOAT32,
        5L, "file:" + file, Files.size(file), Files.getLastModifiedTime(file).toMillis());
    config = config.withModel(source.withListing(List.of(listed)));
    RunSpec spec = GridExpander.expand(config, "s", "2026-01-01", 2, DeviceKind.CPU).get(0);
    List<ResultRow> rows = ReadTask.execute(spec, new Executor("1", "4.2.0"), ModelFiles.of(new Configuration()), () -> 1);
    assertThat(rows).hasSize(2);
    List<Integer> counts = new java.util.ArrayList<>();
    for (ResultRow r : rows) {
      assertThat(r.status()).as("%s", r.outcome().errorTrace()).isEqualTo(RowStatus.OK);
      Row row = ResultSchema.toRow(r);
      counts.add(row.<Integer>getAs("intra_op_threads"));
      assertThat(row.<String>getAs("engine")).isEqualTo("onnxruntime");
      assertThat(row.<Object>getAs("flush_unavailable")).as("at %s threads", row.<Integer>getAs("intra_op_threads")).isNull();
      assertThat(row.<Double>getAs("flushed_vs_trained")).isPositive();
      assertThat(row.<Double>getAs("flushed_latency_ratio")).isPositive();
    }
    assertThat(counts).containsExactlyInAnyOrder(1, 2);
  }
}
