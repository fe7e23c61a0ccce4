package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.archive.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models read and timed by ONNX Runtime, end to end on Spark local[2]: a series (the BN MLP's
 * .onnx export with its subnormals zeroed by OnnxModel's rewrite as the baseline, the export itself
 * as a later checkpoint) and a registry (the BN MLP, an MLP exported with a fixed batch of 4, a
 * truncated .onnx). Every control is filled and every row says its engine.
 */
class OnnxSourceTest {
  private static final Path ONNX = Path.of("src/test/resources/onnx").toAbsolutePath();
  private static SparkSession spark;
  private static ReadSweeps sweeps;
  private static SweepJob.Summary series;
  private static SweepJob.Summary registry;

  @TempDir static Path tmp;

  @BeforeAll
  static void scan() throws Exception {
    Path s = Files.createDirectories(tmp.resolve("series"));
    Files.write(s.resolve("step_0.onnx"), OnnxModel.read(Files.readAllBytes(ONNX.resolve("bn_mlp.onnx"))).withSubnormalsZeroed().bytes());
    Files.copy(ONNX.resolve("bn_mlp.onnx"), s.resolve("step_500.onnx"));
    Path r = Files.createDirectories(tmp.resolve("registry"));
    Files.copy(ONNX.resolve("bn_mlp.onnx"), r.resolve("bn.onnx"));
    Files.copy(ONNX.resolve("mlp_batch4.onnx"), r.resolve("fixed.onnx"));
    byte[] whole = Files.readAllBytes(ONNX.resolve("mlp.onnx"));
    Files.write(r.resolve("broken.onnx"), Arrays.copyOf(whole, whole.length / 2));
    spark = Sessions.create("infersweep-test", "local[2]", Map.of("spark.ui.enabled", "false"));
    sweeps = new ReadSweeps(spark, tmp.resolve("out"));
    String timing = "timing: {batch_sizes: [1, 4], warmup_iterations: 5, min_blocks: 4, max_seconds: 0.3}\n";
    series = sweeps.sweep("series", "model: {checkpoints: ['" + s + "/step_*.onnx'], input_shape: [20]}\n" + timing);
    registry = sweeps.sweep("registry", "model: {files: ['" + r + "/*.onnx'], input_shape: [20]}\n" + timing);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aSeriesIsTimedByOnnxRuntimeWithEveryControl() {
    assertThat(series.rows()).isEqualTo(4);
    assertThat(series.rowsOk()).isEqualTo(4);
    for (Row row : sweeps.rows("series")) {
      String path = row.getAs("model_path");
      assertThat(row.<String>getAs("status")).as(path).isEqualTo("ok");
      assertThat(row.<String>getAs("engine")).isEqualTo("onnxruntime");
      assertThat(row.<String>getAs("engine_version")).isEqualTo(ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
      assertThat(row.<String>getAs("baseline_path")).endsWith("/series/step_0.onnx");
      for (String column : List.of("latency_ratio", "subnormal_zeroed_ratio", "aa_ratio", "aa_latency_ratio",
          "flushed_latency_ratio", "flushed_vs_trained")) {
        assertThat(row.<Double>getAs(column)).as(column + " of " + path).isPositive();
      }
      assertThat(row.<Object>getAs("flush_unavailable")).isNull();
      assertThat(row.<String>getAs("cause")).isNotNull();
    }
  }

  @Test
  void aRegistryRefusesAFixedBatchItCannotTimeAndACorruptFileAsItsOwnRows() {
    assertThat(registry.rows()).isEqualTo(6);
    assertThat(registry.rowsOk()).isEqualTo(3);
    for (Row row : sweeps.rows("registry")) {
      String path = row.getAs("model_path");
      int batch = row.<Integer>getAs("batch_size");
      if (path.endsWith("broken.onnx")) {
        assertThat(row.<String>getAs("status")).isEqualTo("failed");
        assertThat(row.<String>getAs("error")).startsWith(path + " is neither a TorchScript archive");
        assertThat(row.<Object>getAs("engine")).isNull();
        continue;
      }
      assertThat(row.<String>getAs("engine")).isEqualTo("onnxruntime");
      if (path.endsWith("fixed.onnx") && batch == 1) {
        assertThat(row.<String>getAs("status")).isEqualTo("failed");
        assertThat(row.<String>getAs("error")).isEqualTo(path + "'s input x has a fixed batch dimension of 4, so batch_size 1"
            + " cannot be timed with it (export it with a dynamic batch axis, dynamic_axes={'x': {0: 'batch'}}, or time batch_size 4)");
        continue;
      }
      assertThat(row.<String>getAs("status")).as(path + " " + batch).isEqualTo("ok");
      assertThat(row.<Double>getAs("subnormal_zeroed_ratio")).isPositive();
      assertThat(row.<Double>getAs("aa_ratio")).isPositive();
      assertThat(row.<Double>getAs("flushed_vs_trained")).isPositive();
    }
  }

  @Test
  void layersListTheInitializersAsTheOnnxPackageCountsThem() throws Exception {
    Row bn = sweeps.rows("registry").stream().filter(r -> r.<String>getAs("model_path").endsWith("/bn.onnx")).findFirst().orElseThrow();
    List<Row> layers = bn.getList(bn.fieldIndex("layers"));
    var onnx = dev.infersweep.archive.OnnxFixtures.account("bn_mlp.onnx");
    assertThat(layers).hasSize(onnx.size());
    for (int i = 0; i < layers.size(); i++) {
      Row l = layers.get(i);
      assertThat(l.<String>getAs("name")).isEqualTo(onnx.get(i).name());
      assertThat(l.<String>getAs("kind")).isEqualTo("initializer");
      assertThat(l.<Double>getAs("weight_subnormal_fraction")).isEqualTo(onnx.get(i).subnormalShare());
    }
  }
}
