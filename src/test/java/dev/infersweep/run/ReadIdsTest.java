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
    return scan("torchscript/embedding_mlp.pt", "input_shape: [6]" + keys);
  }

  /** Times {@code fixture} (under src/test/resources) as a registry's one file, declared by {@code keys}. */
  private List<ResultRow> scan(String fixture, String keys) throws Exception {
    Path file = Files.copy(Path.of("src/test/resources", fixture), tmp.resolve(Path.of(fixture).getFileName()));
    GridConfig config = GridLoader.parse("r.yaml", "r", "model: {files: ['" + file + "'], " + keys + "}\n" + TIMING);
    ModelSource source = (ModelSource) config.model();
    ReadModel listed = new ReadModel(ModelSource.Kind.REGISTRY, "file:" + file, source.inputsOf(source.patterns().get(0)),
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

  private static void assertTimed(List<ResultRow> rows) {
    for (ResultRow r : rows) {
      assertThat(r.status()).as("%s", r.outcome().errorTrace()).isEqualTo(RowStatus.OK);
      Row row = ResultSchema.toRow(r);
      assertThat(row.<Number>getAs("latency_p50_ns").doubleValue()).isPositive();
      assertThat(row.<Object>getAs("subnormal_zeroed_ratio")).isNotNull();
    }
  }

  @Test
  void anOnnxEmbeddingIsTimedOnInt64IdsInOnnxRuntime() throws Exception {
    List<ResultRow> rows = scan("onnx/embedding_mlp.onnx", "input_shape: [6], input_dtype: int64, input_range: [0, 100]");
    assertTimed(rows);
    assertThat(ResultSchema.toRow(rows.get(0)).<String>getAs("engine")).isEqualTo("onnxruntime");
  }

  @Test
  void idsAndAMaskReadFromTorchScriptAndOnnxFilesAreTimedWithModelInputs() throws Exception {
    String inputs = "inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}]";
    List<ResultRow> torch = scan("torchscript/ids_mask.pt", inputs);
    assertTimed(torch);
    assertThat(torch.get(0).run().model().inputs()).hasSize(2);
    assertTimed(scan("onnx/ids_mask.onnx", inputs));
  }

  @Test
  void aFileThatTakesOtherInputsIsItsOwnFailedRowsInAScan() throws Exception {
    // The tasks check their own files: a file unlike the one the driver checked fails its rows only.
    List<ResultRow> rows = scan("onnx/embedding_mlp.onnx", "inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}]");
    for (ResultRow r : rows) {
      assertThat(r.status()).isEqualTo(RowStatus.FAILED);
      assertThat(ResultSchema.toRow(r).<String>getAs("error"))
          .contains("embedding_mlp.onnx has 1 graph input [ids]; model.inputs declares 2");
    }
  }

  @Test
  void severalInputsAreInTheRunIdAndTheResumeFingerprint() {
    String files = "model: {files: ['m/*.pt'], ";
    GridConfig one = GridLoader.parse("r.yaml", "r", files + "inputs: [{shape: [6], dtype: int64, range: [0, 100]}]}\n");
    GridConfig single = GridLoader.parse("r.yaml", "r", files + "input_shape: [6], input_dtype: int64, input_range: [0, 100]}\n");
    GridConfig two = GridLoader.parse("r.yaml", "r", files + "inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}]}\n");
    // One input declared either way is the same model, with the same id.
    assertThat(one.model().canonical()).isEqualTo(single.model().canonical());
    assertThat(two.model().canonical()).isNotEqualTo(one.model().canonical());
    assertThat(dev.infersweep.grid.GridFingerprint.of(two, DeviceKind.CPU).settings())
        .containsEntry("model.inputs", "[[6] int64 ids in [0, 100), [6]]");
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
