package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.cli.ConsoleCapture;
import dev.infersweep.cli.Main;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.TrainingSet;
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
 * A table's integer columns feed a TorchScript model's integer inputs (ids), in the order of the
 * inputs; a column that cannot be ids of the declared range exits 2 with one line naming the key
 * and the column, and writes nothing.
 */
class TableIdsTest {
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();
  private static final String IDS = "(i * 7 % 100)::BIGINT AS a, (i * 13 % 100)::INTEGER AS b, (i * 3 % 100)::SMALLINT AS c,"
      + " (i * 11 % 100)::BIGINT AS d, (i % 100)::DOUBLE AS e, (i * 17 % 100)::BIGINT AS f";
  private static final String LABEL = "(i * 7 % 100 < 50)::INTEGER AS y";
  private static SparkSession spark;

  @TempDir static Path tmp;

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @BeforeAll
  static void start() {
    spark = Sessions.create("infersweep-table-ids", "local[2]", Map.of("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path parquet(String name, String select, long n) throws Exception {
    return DuckTables.parquet(tmp, name, select, n);
  }

  private static Path grid(String name, Path table, String features, String model) throws Exception {
    return Files.writeString(tmp.resolve(name + ".yaml"),
        "name: " + name + "\ndata: {parquet: \"" + table + "\", features: [" + features + "], label: y}\n"
            + "model: " + model + "\ntrain: {optimizer: adam, learning_rate: 0.05, batch_size: 16}\n"
            + "grid: {epochs: [0, 10]}\n"
            + "timing: {warmup_iterations: 5, warmup_max_seconds: 0.02, min_blocks: 4, max_seconds: 0.2}\n");
  }

  private static String embedding(String range) {
    return "{torchscript: \"" + FIXTURES.resolve("embedding_mlp.pt") + "\", input_shape: [6], input_dtype: int64,"
        + " input_range: " + range + ", outputs: 2}";
  }

  private static String idsAndMask() {
    return "{torchscript: \"" + FIXTURES.resolve("ids_mask.pt") + "\", inputs: [{shape: [6], dtype: int64, range: [0, 100]},"
        + " {shape: [6]}], outputs: 2}";
  }

  private static void assertTrains(Path results) {
    List<Row> rows = spark.read().parquet(results.toString()).orderBy("epochs").collectAsList();
    assertThat(rows).hasSize(2).allSatisfy(r -> {
      assertThat(r.<String>getAs("status")).as(r.<String>getAs("error")).isEqualTo(RowStatus.OK.label());
      assertThat(r.<String>getAs("data_kind")).isEqualTo("table");
    });
    assertThat(rows.get(1).<Double>getAs("train_loss")).isLessThan(rows.get(0).<Double>getAs("train_loss"));
  }

  @Test
  void integerColumnsOfAnyNumericTypeFeedAnEmbeddingsIdsAndItTrains() throws Exception {
    Path table = parquet("ids", IDS + ", " + LABEL, 64);
    Path grid = grid("ids", table, "a, b, c, d, e, f", embedding("[0, 100]"));
    // The driver holds the ids as the exact floats they travel as, in feature order.
    TrainingSet set = TrainingTable.read(spark, GridLoader.load(grid)).samples();
    assertThat(set.input()).isEqualTo(6);
    assertThat(java.util.Arrays.copyOfRange(set.features(), 6, 12)).containsExactly(7f, 13f, 3f, 11f, 1f, 17f);
    Path results = tmp.resolve("results-ids");
    assertThat(Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--sweep-id", "ids"))
        .as(console.err()).isZero();
    assertTrains(results);
  }

  @Test
  void columnsFillSeveralInputsInOrderIdsThenAFloatMask() throws Exception {
    String mask = ", (i % 3 > 0)::FLOAT AS m1, 1.0 AS m2, (i % 2)::DOUBLE AS m3, 1.0 AS m4, 0.5 AS m5, 1.0 AS m6";
    Path table = parquet("ids-mask", IDS + mask + ", " + LABEL, 64);
    Path grid = grid("ids-mask", table, "a, b, c, d, e, f, m1, m2, m3, m4, m5, m6", idsAndMask());
    Path results = tmp.resolve("results-ids-mask");
    assertThat(Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--sweep-id", "mask"))
        .as(console.err()).isZero();
    assertTrains(results);
  }

  /** Runs {@code grid}: exit 2, one line naming the table and {@code problem}, nothing written. */
  private void refused(Path grid, Path table, String problem) {
    console.reset();
    Path results = tmp.resolve("results-" + grid.getFileName().toString().replace(".yaml", ""));
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--sweep-id", "bad");
    String text = console.err().strip();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text.lines()).as(text).hasSize(1);
    assertThat(text).isEqualTo("infersweep: error: " + grid + ": data.parquet " + table + ": " + problem);
    assertThat(results).as("nothing is written for a bad table").doesNotExist();
  }

  @Test
  void aColumnPastTheDeclaredRangeExitsTwoNamingTheKeyAndTheColumn() throws Exception {
    Path table = parquet("past", IDS + ", " + LABEL, 64);
    refused(grid("past", table, "a, b, c, d, e, f", embedding("[0, 50]")), table,
        "model.input_range [0, 50): feature column 'a' has 29 rows outside it (the first: 56);"
            + " widen the range or fix the column, ids are never clipped");
    Path negative = parquet("negative", IDS.replace("(i * 13 % 100)::INTEGER", "(i * 13 % 100 - 1)::INTEGER") + ", " + LABEL, 64);
    refused(grid("negative", negative, "a, b, c, d, e, f", embedding("[0, 100]")), negative,
        "model.input_range [0, 100): feature column 'b' has 1 row outside it (the first: -1);"
            + " widen the range or fix the column, ids are never clipped");
  }

  @Test
  void aFractionalColumnForIntegerIdsExitsTwoNamingTheKeyAndTheColumn() throws Exception {
    Path table = parquet("fraction", IDS.replace("(i % 100)::DOUBLE AS e", "(i % 100) / 4 AS e") + ", " + LABEL, 64);
    refused(grid("fraction", table, "a, b, c, d, e, f", embedding("[0, 100]")), table,
        "model.input_dtype int64: feature column 'e' feeds integer ids, but 48 rows are not a whole number (the first: 0.25);"
            + " ids are never rounded");
  }

  @Test
  void severalInputsNameTheInputWhoseColumnIsBad() throws Exception {
    // The mask's columns may hold any finite float; the ids' columns may not.
    Path table = parquet("several", IDS + ", 0.5 AS m1, 1.5 AS m2, 2.5 AS m3, 1.0 AS m4, 0.5 AS m5, 1.0 AS m6, " + LABEL, 64);
    GridConfig ok = GridLoader.load(grid("several-ok", table, "a, b, c, d, e, f, m1, m2, m3, m4, m5, m6", idsAndMask()));
    assertThat(TrainingTable.read(spark, ok).samples().input()).isEqualTo(12);
    // The fractional mask column m1 put in the ids' place: the ids' key and that column are named.
    refused(grid("several", table, "m1, b, c, d, e, f, a, m2, m3, m4, m5, m6", idsAndMask()), table,
        "model.inputs[0].dtype int64: feature column 'm1' feeds integer ids, but 64 rows are not a whole number (the first: 0.5);"
            + " ids are never rounded");
  }
}
