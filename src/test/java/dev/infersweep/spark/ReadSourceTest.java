package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.archive.TorchArchive;
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
 * Models read, not trained, end to end on Spark local[2]: a series (the BN MLP fixture with its
 * subnormal values zeroed as the baseline, the fixture itself as a later checkpoint, and another
 * network in the series) and a registry (fp32, bf16, a conv net with its own input shape, a truncated
 * archive and a text file). Each bad model is its own failed rows; the others are measured.
 */
class ReadSourceTest {
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();
  private static SparkSession spark;
  private static ReadSweeps sweeps;
  private static SweepJob.Summary series;
  private static SweepJob.Summary registry;

  @TempDir static Path tmp;

  @BeforeAll
  static void scan() throws Exception {
    Path s = Files.createDirectories(tmp.resolve("series"));
    Files.write(s.resolve("step_0.pt"), TorchArchive.read(Files.readAllBytes(FIXTURES.resolve("bn_mlp.pt"))).withSubnormalsZeroed().bytes());
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), s.resolve("step_500.pt"));
    Files.copy(FIXTURES.resolve("mlp.pt"), s.resolve("step_900.pt"));
    Path r = Files.createDirectories(tmp.resolve("registry/team"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), r.resolve("bn.pt"));
    Files.copy(FIXTURES.resolve("bn_mlp_bf16.pt"), r.resolve("bn_bf16.pt"));
    Files.copy(FIXTURES.resolve("conv.pt"), r.resolve("conv.pt"));
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("mlp.pt"));
    Files.write(r.resolve("broken.pt"), Arrays.copyOf(whole, whole.length / 2));
    Files.writeString(r.resolve("notes.pt"), "not a model");
    spark = Sessions.create("infersweep-test", "local[2]", Map.of("spark.ui.enabled", "false"));
    sweeps = new ReadSweeps(spark, tmp.resolve("out"));
    String timing = "timing: {batch_sizes: [1, 8], warmup_iterations: 5, min_blocks: 4, max_seconds: 0.3}\n";
    series = sweeps.sweep("series", "model: {checkpoints: ['" + s + "/step_*.pt'], input_shape: [20]}\n" + timing);
    registry = sweeps.sweep("registry", "model: {files: ['" + tmp + "/registry/**/*.pt', {path: '" + r
        + "/conv.pt', input_shape: [3, 32, 32]}], input_shape: [20]}\n" + timing);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aSeriesIsTimedAgainstItsBaselineAndAnotherNetworkInItFails() {
    assertThat(series.rows()).isEqualTo(6);
    assertThat(series.rowsOk()).isEqualTo(4);
    assertThat(series.rowsFailed()).isEqualTo(2);
    for (Row row : sweeps.rows("series")) {
      String path = row.getAs("model_path");
      assertThat(row.<String>getAs("model_source")).isEqualTo("checkpoints");
      assertThat(row.<String>getAs("baseline_path")).endsWith("/series/step_0.pt");
      assertThat(row.<Object>getAs("epochs")).isNull();
      assertThat(row.<Object>getAs("optimizer")).isNull();
      if (path.endsWith("step_900.pt")) {
        assertThat(row.<String>getAs("status")).isEqualTo("failed");
        assertThat(row.<String>getAs("error")).contains("is not a checkpoint of the baseline's network").contains("fc1.weight");
        continue;
      }
      assertThat(row.<String>getAs("status")).as(path).isEqualTo("ok");
      assertThat(row.<Long>getAs("steps")).isEqualTo(path.endsWith("step_0.pt") ? 0L : 500L);
      assertThat(row.<Double>getAs("latency_ratio")).isPositive();
      assertThat(row.<Double>getAs("latency_ratio_ci_low")).isLessThanOrEqualTo(row.<Double>getAs("latency_ratio"));
      assertThat(row.<Object>getAs("latency_ratio_unavailable")).isNull();
      assertThat(row.<Double>getAs("subnormal_zeroed_ratio")).isPositive();
      assertThat(row.<Double>getAs("aa_ratio")).isPositive();
      assertThat(row.<String>getAs("model_sha256")).hasSize(64);
      assertThat(row.<String>getAs("cause")).isNotNull();
    }
  }

  @Test
  void aRegistryTimesEachModelAgainstItsOwnControlsAndBadFilesAreTheirOwnFailedRows() {
    assertThat(registry.rows()).isEqualTo(10);
    assertThat(registry.rowsOk()).isEqualTo(6);
    assertThat(registry.anyFailed()).isTrue();
    for (Row row : sweeps.rows("registry")) {
      String path = row.getAs("model_path");
      String status = row.getAs("status");
      assertThat(row.<Object>getAs("steps")).isNull();
      assertThat(row.<Object>getAs("baseline_path")).isNull();
      if (path.endsWith("broken.pt") || path.endsWith("notes.pt")) {
        assertThat(status).isEqualTo("failed");
        assertThat(row.<String>getAs("error")).startsWith(path + (path.endsWith("notes.pt")
            ? " is neither a TorchScript archive (a zip file) nor an ONNX model" : " is not a TorchScript archive"));
        assertThat(row.<Object>getAs("model_sha256")).isNull();
        continue;
      }
      assertThat(status).as(path).isEqualTo("ok");
      assertThat(row.<Object>getAs("latency_ratio")).isNull();
      assertThat(row.<String>getAs("latency_ratio_unavailable")).contains("no baseline");
      assertThat(row.<Double>getAs("flushed_vs_trained")).isPositive();
      assertThat(row.<String>getAs("precision")).isEqualTo(path.endsWith("bn_bf16.pt") ? "bf16" : "fp32");
    }
  }

  @Test
  void layersListEveryParameterAndBufferAsPyTorchCountsThem() throws Exception {
    Row bn = sweeps.rows("registry").stream().filter(r -> r.<String>getAs("model_path").endsWith("team/bn.pt")).findFirst().orElseThrow();
    List<Row> layers = bn.getList(bn.fieldIndex("layers"));
    var pytorch = dev.infersweep.archive.Fixtures.pytorchAccount("bn_mlp.pt");
    assertThat(layers).hasSize(pytorch.size());
    for (int i = 0; i < layers.size(); i++) {
      Row l = layers.get(i);
      assertThat(l.<String>getAs("name")).isEqualTo(pytorch.get(i).name());
      assertThat(l.<String>getAs("kind")).isEqualTo(pytorch.get(i).kind().label());
      assertThat(l.<Double>getAs("weight_subnormal_fraction")).isEqualTo(pytorch.get(i).subnormalShare());
    }
    assertThat(layers).extracting(l -> l.<String>getAs("kind")).contains("buffer");
  }

  @Test
  void theDriverChecksOneFileAndSaysSo() {
    assertThat(sweeps.console()).contains("[infersweep] models: 3 checkpoint(s) of a series, steps 0 to 900");
    assertThat(sweeps.console()).contains("[infersweep] models: 5 file(s) in a registry");
  }
}
