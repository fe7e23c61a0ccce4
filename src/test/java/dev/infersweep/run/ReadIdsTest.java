package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.engine.FlushToZero;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.net.InputType;
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
 * A model that takes int64 token ids, read from a file ({@code model.files} with {@code input_dtype}
 * and {@code input_range}), is checked and timed on ids, without Spark: the task as an executor runs
 * it on the driver's listing. Declared as float32, the same file is a failed row naming the forward pass.
 */
class ReadIdsTest {
  private static final String TIMING =
      "timing: {batch_sizes: [1, 4], warmup_iterations: 5, warmup_max_seconds: 0.02, block_size: 4, min_blocks: 4, max_seconds: 0.2}\n";

  @TempDir Path tmp;

  private List<ResultRow> scan(String keys) throws Exception {
    Path file = Files.copy(Path.of("src/test/resources/torchscript/embedding_mlp.pt"), tmp.resolve("ids.pt"));
    GridConfig config = GridLoader.parse("r.yaml", "r", "model: {files: ['" + file + "'], input_shape: [6]" + keys + "}\n" + TIMING);
    ModelSource source = (ModelSource) config.model();
    ReadModel listed = new ReadModel(ModelSource.Kind.REGISTRY, "file:" + file, new long[] {6}, source.inputValues(),
        null, null, Files.size(file), Files.getLastModifiedTime(file).toMillis());
    config = config.withModel(source.withListing(List.of(listed)));
    RunSpec spec = GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    List<ResultRow> rows = ReadTask.execute(spec, new Executor("1", "4.2.0"), ModelFiles.of(new Configuration()), () -> 1);
    assertThat(rows).hasSize(2);
    return rows;
  }

  @Test
  void anEmbeddingReadFromAFileIsTimedOnInt64Ids() throws Exception {
    List<ResultRow> rows = scan(", input_dtype: int64, input_range: [0, 100]");
    assertThat(rows.get(0).run().model().inputs().get(0).values().type()).isEqualTo(InputType.INT64);
    for (ResultRow r : rows) {
      assertThat(r.status()).as("%s", r.outcome().errorTrace()).isEqualTo(RowStatus.OK);
      Row row = ResultSchema.toRow(r);
      assertThat(row.<Number>getAs("latency_p50_ns").doubleValue()).isPositive();
      // A registry's model has no baseline: it is timed against its own controls.
      assertThat(row.<String>getAs("latency_ratio_unavailable")).contains("no baseline");
      assertThat(row.<Object>getAs("flushed_vs_trained") != null).isEqualTo(FlushToZero.unavailableReason() == null);
      assertThat(row.<String>getAs("model_sha256")).hasSize(64);
    }
  }

  @Test
  void theIdsTypeAndRangeAreInTheRunIdAndTheResumeFingerprint() {
    String files = "model: {files: ['m/*.pt'], input_shape: [6]";
    GridConfig floats = GridLoader.parse("r.yaml", "r", files + "}\n");
    GridConfig ids = GridLoader.parse("r.yaml", "r", files + ", input_dtype: int64, input_range: [0, 100]}\n");
    GridConfig wider = GridLoader.parse("r.yaml", "r", files + ", input_dtype: int64, input_range: [0, 200]}\n");
    var fingerprint = dev.infersweep.grid.GridFingerprint.of(ids, DeviceKind.CPU).settings();
    assertThat(fingerprint).containsEntry("model.input_dtype", "int64").containsEntry("model.input_range", "[0, 100)");
    assertThat(dev.infersweep.grid.GridFingerprint.of(floats, DeviceKind.CPU).settings()).doesNotContainKey("model.input_dtype");
    assertThat(List.of(floats.model().canonical(), ids.model().canonical(), wider.model().canonical())).doesNotHaveDuplicates();
  }

  @Test
  void theSameFileDeclaredAsFloatFeaturesIsAFailedRowNamingTheForwardPass() throws Exception {
    for (ResultRow r : scan("")) {
      assertThat(r.status()).isEqualTo(RowStatus.FAILED);
      assertThat(ResultSchema.toRow(r).<String>getAs("error")).contains("a forward pass of input_shape [6]");
    }
  }
}
