package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.cli.ConsoleCapture;
import dev.infersweep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/sweep scan --input …} end to end on Spark local[2]: a registry of models that take
 * int64 ids and a float mask, one TorchScript file and one ONNX file, is timed in both engines; a
 * file in it that takes one input only is that file's failed rows (exit 3), the others are measured.
 */
class ReadInputsTest {
  private static final Path RESOURCES = Path.of("src/test/resources").toAbsolutePath();
  private static SparkSession spark;

  @TempDir static Path tmp;

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @BeforeAll
  static void start() {
    spark = Sessions.create("infersweep-read-inputs", "local[2]", Map.of("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aRegistryOfIdsAndMaskModelsIsTimedInBothEnginesAndAOneInputFileFailsAlone() throws Exception {
    Path r = Files.createDirectories(tmp.resolve("registry"));
    // The driver checks the first file by path: a good one.
    Files.copy(RESOURCES.resolve("onnx/ids_mask.onnx"), r.resolve("a_ids_mask.onnx"));
    Files.copy(RESOURCES.resolve("torchscript/ids_mask.pt"), r.resolve("b_ids_mask.pt"));
    Files.copy(RESOURCES.resolve("onnx/embedding_mlp.onnx"), r.resolve("c_embedding.onnx"));
    Path out = tmp.resolve("out");
    int code = Main.execute("scan", "--models", r + "/*", "--input", "6:int64:0,100", "--input", "6",
        "--batch-sizes", "1,4", "--max-seconds", "0.2", "--out", out.toString(), "--sweep-id", "inputs");
    assertThat(code).as(console.out() + console.err()).isEqualTo(Main.RUNS_FAILED);
    List<Row> rows = spark.read().parquet(out.toString()).orderBy("model_path", "batch_size").collectAsList();
    assertThat(rows).hasSize(6);
    for (Row row : rows.subList(0, 4)) {
      assertThat(row.<String>getAs("status")).as(row.<String>getAs("error")).isEqualTo("ok");
      assertThat(row.<Number>getAs("latency_p50_ns").doubleValue()).isPositive();
    }
    assertThat(rows.get(0).<String>getAs("engine")).isEqualTo("onnxruntime");
    assertThat(rows.get(2).<String>getAs("engine")).isEqualTo("pytorch");
    for (Row row : rows.subList(4, 6)) {
      assertThat(row.<String>getAs("status")).isEqualTo("failed");
      assertThat(row.<String>getAs("error")).contains("c_embedding.onnx has 1 graph input [ids]; model.inputs declares 2");
    }
  }
}
