package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.cli.ConsoleCapture;
import dev.infersweep.cli.Main;
import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridFingerprint;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training data from a Parquet table written by another engine (DuckDB): read once on the driver,
 * validated, broadcast; each bad table exits 2 with one line and writes nothing.
 */
class TrainingTableTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();
  private static SparkSession spark;

  @TempDir static Path tmp;

  /** Four features of mixed numeric types (double, float, integer, decimal) over 64 rows. */
  private static final String FEATURES =
      "sin(i * 1.3) AS a, cos(i * 0.7)::FLOAT AS b, (i % 5 - 2)::INTEGER AS c,"
          + " round(sin(i * 0.37 + 1), 3)::DECIMAL(6, 3) AS d";

  private static final String TIMING =
      "timing: {warmup_iterations: 5, warmup_max_seconds: 0.02, min_blocks: 4, max_seconds: 0.2}\n";

  @BeforeAll
  static void start() {
    // cli.Main reuses this session (and leaves it running), as it would inside a Spark application.
    spark = Sessions.create("infersweep-table", "local[2]", Map.of("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path parquet(String name, String select, long n) throws Exception {
    return DuckTables.parquet(tmp, name, select, n);
  }

  /** A tiny grid over {@code data}; {@code train} adds keys to the train section (", batch_size: 16"). */
  private static Path grid(String name, String data, String model, String train) throws Exception {
    return Files.writeString(
        tmp.resolve(name + ".yaml"),
        "name: " + name + "\ndata: " + data + "\nmodel: " + model + "\n"
            + "train: {optimizer: adam, learning_rate: 0.05" + train + "}\n"
            + "grid: {epochs: [0, 20], precision: [fp32]}\n" + TIMING);
  }

  private static String table(Path file, String features, String label) {
    return "{parquet: \"" + file + "\", features: [" + features + "], label: " + label + "}";
  }

  private static List<Row> rows(Path results) {
    return spark.read().parquet(results.toString()).orderBy("epochs").collectAsList();
  }

  private static void assertTrains(List<Row> rows, Path table) {
    assertThat(rows).hasSize(2).allSatisfy(r -> {
      assertThat(r.<String>getAs("status")).isEqualTo(RowStatus.OK.label());
      assertThat(r.<String>getAs("data_kind")).isEqualTo("table");
      assertThat(r.<String>getAs("data_table")).isEqualTo(table.toString());
      assertThat(r.<Integer>getAs("train_samples")).isEqualTo(64);
    });
    double start = rows.get(0).<Double>getAs("train_loss");
    double end = rows.get(1).<Double>getAs("train_loss");
    assertThat(end).isLessThan(start * 0.8);
  }

  @Test
  void aClassificationTableTrainsASweepEndToEnd() throws Exception {
    Path table = parquet("classes", FEATURES + ", (CASE WHEN sin(i * 1.3) + cos(i * 0.7) > 0 THEN 1 ELSE 0 END)::INTEGER AS y", 64);
    Path grid = grid("ce", table(table, "a, b, c, d", "y"), "{layers: [{dense: 8}, {dense: 2}]}", "");
    Path results = tmp.resolve("results-ce");
    assertThat(Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--sweep-id", "ce")).isZero();
    assertThat(console.out()).contains("data: table " + table + ": 64 rows × 4 features");
    assertTrains(rows(results), table);
  }

  @Test
  void aRegressionTableTrainsASweepEndToEnd() throws Exception {
    Path table = parquet("targets", FEATURES + ", sin(i * 1.3) - 2 * cos(i * 0.7) + 0.5 * (i % 5 - 2) AS target", 64);
    // Minibatches of 16: the batch is checked against the table's rows.
    Path grid =
        grid("mse", table(table, "a, b, c, d", "target"), "{layers: [{dense: 8}, {dense: 1}], loss: mse}", ", batch_size: 16");
    Path results = tmp.resolve("results-mse");
    assertThat(Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--sweep-id", "mse")).isZero();
    List<Row> rows = rows(results);
    assertTrains(rows, table);
    assertThat(rows.get(0).<Integer>getAs("train_batch_size")).isEqualTo(16);
  }

  @Test
  void theDriverReadsTheTableIntoFloatsInFeatureOrderWithAContentDigest() throws Exception {
    Path table = parquet("small", "i::DOUBLE AS x, (10 * i)::BIGINT AS z, (i % 2)::SMALLINT AS y", 4);
    GridConfig grid = GridLoader.load(grid("small", table(table, "z, x", "y"), "{layers: [{dense: 3}, {dense: 2}]}", ""));
    TrainingTable read = TrainingTable.read(spark, grid);
    TrainingSet set = read.samples();
    assertThat(set.samples()).isEqualTo(4);
    assertThat(set.input()).isEqualTo(2);
    assertThat(set.targetWidth()).isEqualTo(1);
    assertThat(set.features()).containsExactly(0f, 0f, 10f, 1f, 20f, 2f, 30f, 3f);
    assertThat(set.labels()).containsExactly(0f, 1f, 0f, 1f);
    assertThat(read.spec().rows()).isEqualTo(4);
    assertThat(read.spec().digest()).matches("[0-9a-f]{16}").isEqualTo(TrainingTable.digest(set));
    assertThat(read.spec().path()).isEqualTo(table.toString());

    // An unread table cannot be expanded: its run ids would not hash its content.
    assertThatThrownBy(() -> GridExpander.expand(grid, "s", "2026-01-01", 1, DeviceKind.CPU))
        .hasMessageContaining("must be read");

    // A changed value gives another digest, other run ids and another fingerprint.
    Path changed = parquet("small-changed", "i::DOUBLE AS x, (10 * i + (i = 3)::INT)::BIGINT AS z, (i % 2)::SMALLINT AS y", 4);
    GridConfig other = grid.withData(new DataSpec.Table(changed.toString(), List.of("z", "x"), "y", 0, null));
    TrainingTable readOther = TrainingTable.read(spark, other);
    assertThat(readOther.spec().digest()).isNotEqualTo(read.spec().digest());
    RunSpec a = GridExpander.expand(read.applyTo(grid), "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    RunSpec b = GridExpander.expand(readOther.applyTo(other), "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    assertThat(a.runId()).isNotEqualTo(b.runId());
    assertThat(GridFingerprint.of(read.applyTo(grid), DeviceKind.CPU).hash())
        .isNotEqualTo(GridFingerprint.of(readOther.applyTo(grid), DeviceKind.CPU).hash());
    // The same content under another path keeps its run ids (they hash the values, not the name).
    Path copy = Files.copy(table, tmp.resolve("small-copy.parquet"));
    GridConfig moved = grid.withData(new DataSpec.Table(copy.toString(), List.of("z", "x"), "y", 0, null));
    RunSpec c = GridExpander.expand(TrainingTable.read(spark, moved).applyTo(moved), "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    assertThat(c.runId()).isEqualTo(a.runId());
  }

  @Test
  void tasksTrainOnTheBroadcastAndNeverReadThePath() throws Exception {
    Path table = parquet("gone", FEATURES + ", (i % 2)::INTEGER AS y", 64);
    GridConfig grid = GridLoader.load(grid("gone", table(table, "a, b, c, d", "y"), "{layers: [{dense: 4}, {dense: 2}]}", ""));
    TrainingTable read = TrainingTable.read(spark, grid);
    List<RunSpec> runs = GridExpander.expand(read.applyTo(grid), "s", "2026-01-01", 1, DeviceKind.CPU);
    // The file is gone once the driver has read it: the tasks can only train on what was shipped.
    Files.delete(table);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<TrainingSet> shipped = jsc.broadcast(read.samples());
    RunPartition function = new RunPartition(shipped);
    assertThat(function.table()).isSameAs(shipped);
    List<Row> rows = jsc.parallelize(runs, runs.size()).mapPartitions(function, true).collect();
    assertThat(rows).hasSize(2).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo(RowStatus.OK.label()));
    // Without the broadcast a table run fails with the reason; it does not go looking for the file.
    List<Row> unshipped = jsc.parallelize(runs, runs.size()).mapPartitions(new RunPartition(null), true).collect();
    assertThat(unshipped).allSatisfy(r -> {
      assertThat(r.<String>getAs("status")).isEqualTo(RowStatus.FAILED.label());
      assertThat(r.<String>getAs("error")).contains("the driver shipped no table");
    });
    shipped.destroy();
  }

  @Test
  void planDescribesATableGridWithoutReadingIt() throws Exception {
    Path grid = grid("plan", table(tmp.resolve("not-there.parquet"), "a, b", "y"), "{layers: [{dense: 4}, {dense: 2}]}", "");
    assertThat(Main.execute("plan", "--grid", grid.toString())).isZero();
    assertThat(console.out())
        .contains("data: table " + tmp.resolve("not-there.parquet") + ", features [a, b], label y, read when the sweep starts");
  }

  /** Runs {@code grid} and expects exit 2, one line naming {@code path} and {@code problem}, nothing written. */
  private void refused(Path grid, Path path, String... problem) throws Exception {
    console.reset();
    Path results = tmp.resolve("results-" + grid.getFileName().toString().replace(".yaml", ""));
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--sweep-id", "bad");
    String text = console.err();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text.strip().lines()).as(text).hasSize(1);
    assertThat(text).startsWith("infersweep: error: " + grid + ": data.parquet " + path + ": ").contains(problem);
    assertThat(results).as("nothing is written for a bad table").doesNotExist();
  }

  private void refusedTable(String name, String select, long n, String features, String label, String... problem)
      throws Exception {
    Path table = parquet(name, select, n);
    refused(grid(name, table(table, features, label), "{layers: [{dense: 4}, {dense: 2}]}", ""), table, problem);
  }

  @Test
  void aMissingOrUnreadableTableExitsTwoWithOneLine() throws Exception {
    Path missing = tmp.resolve("nowhere.parquet");
    refused(grid("missing", table(missing, "a", "y"), "{layers: [{dense: 4}, {dense: 2}]}", ""), missing, "no such file or folder");
    Path text = Files.writeString(tmp.resolve("text.parquet"), "a,y\n1,0\n");
    refused(grid("text", table(text, "a", "y"), "{layers: [{dense: 4}, {dense: 2}]}", ""), text, "cannot be read as Parquet");
  }

  @Test
  void missingAndNonNumericColumnsExitTwoNamingThem() throws Exception {
    String select = "i::DOUBLE AS a, 'x' || i AS name, (i % 2)::INTEGER AS y";
    refusedTable("nofeature", select, 8, "a, b", "y", "feature column 'b' is missing; the table has columns: a, name, y");
    refusedTable("nolabel", select, 8, "a", "label", "label column 'label' is missing; the table has columns: a, name, y");
    refusedTable("text-feature", select, 8, "a, name", "y", "feature column 'name' has type string", "must be numeric");
    refusedTable("case", "i::DOUBLE AS A, (i % 2)::INTEGER AS y", 8, "a", "y", "feature column 'a' is missing (did you mean 'A'?)");
  }

  @Test
  void nullNanAndInfiniteValuesExitTwoNamingTheColumnAndTheRows() throws Exception {
    refusedTable("nulls", "CASE WHEN i < 3 THEN NULL ELSE i END::DOUBLE AS a, (i % 2)::INTEGER AS y", 8, "a", "y",
        "feature column 'a' has 3 rows with no finite value (null: 3)");
    refusedTable("nans", "i::DOUBLE AS a, CASE WHEN i = 5 THEN 'NaN'::DOUBLE ELSE i END AS b, (i % 2)::INTEGER AS y", 8,
        "a, b", "y", "feature column 'b' has 1 row with no finite value (NaN: 1)");
    refusedTable("infs", "CASE WHEN i % 4 = 0 THEN (CASE WHEN i = 0 THEN 'inf' ELSE '-inf' END)::DOUBLE ELSE i END AS a,"
        + " (i % 2)::INTEGER AS y", 8, "a", "y", "feature column 'a' has 2 rows with no finite value (±Inf: 2)");
    refusedTable("huge", "CASE WHEN i = 1 THEN 1e300 ELSE i END::DOUBLE AS a, (i % 2)::INTEGER AS y", 8, "a", "y",
        "feature column 'a' has 1 row beyond fp32's range");
    refusedTable("nullabel", "i::DOUBLE AS a, CASE WHEN i = 7 THEN NULL ELSE i % 2 END::INTEGER AS y", 8, "a", "y",
        "label column 'y' has 1 row with no finite value (null: 1)");
  }

  @Test
  void labelsOutsideTheClassesOrNotFiniteExitTwo() throws Exception {
    refusedTable("range", "i::DOUBLE AS a, (i % 3)::INTEGER AS y", 9, "a", "y",
        "label 'y' must be a class index, an integer in [0, 2) for the model's 2 outputs; 3 rows are not (the first: 2)");
    refusedTable("fraction", "i::DOUBLE AS a, CASE WHEN i = 4 THEN 0.5 ELSE i % 2 END::DOUBLE AS y", 8, "a", "y",
        "1 row is not (the first: 0.5)");
    refusedTable("negative", "i::DOUBLE AS a, CASE WHEN i = 4 THEN -1 ELSE i % 2 END::INTEGER AS y", 8, "a", "y",
        "(the first: -1)");
    // Regression takes any finite label, and only a finite one.
    Path nan = parquet("nan-target", "i::DOUBLE AS a, CASE WHEN i = 2 THEN 'NaN'::DOUBLE ELSE i * 0.5 END AS t", 8);
    refused(grid("nan-target", table(nan, "a", "t"), "{layers: [{dense: 4}, {dense: 1}], loss: mse}", ""), nan,
        "label column 't' has 1 row with no finite value (NaN: 1)");
  }

  @Test
  void anEmptyTooLargeOrTooSmallForTheBatchTableExitsTwo() throws Exception {
    refusedTable("empty", "i::DOUBLE AS a, (i % 2)::INTEGER AS y", 0, "a", "y", "the table has no rows");
    // 5,000,001 rows × (1 feature + the label): just over the limit of 10,000,000 values.
    refusedTable("large", "(i % 7)::FLOAT AS a, (i % 2)::TINYINT AS y", DataSpec.Table.MAX_VALUES / 2 + 1, "a", "y",
        "5000001 rows × 2 columns (1 feature + the label) = 10000002 values, more than the limit of 10000000 values");
    Path small = parquet("batch", "i::DOUBLE AS a, (i % 2)::INTEGER AS y", 8);
    Path grid = grid("batch", table(small, "a", "y"), "{layers: [{dense: 4}, {dense: 2}]}", ", batch_size: 16");
    refused(grid, small, "train.batch_size 16 is more than the table's 8 rows");
  }

  @Test
  void aBadTableThrowsAConfigExceptionBeforeTheSweepTakesItsLock() throws Exception {
    Path table = parquet("lockless", "i::DOUBLE AS a, (i % 3)::INTEGER AS y", 6);
    GridConfig grid = GridLoader.load(grid("lockless", table(table, "a", "y"), "{layers: [{dense: 4}, {dense: 2}]}", ""));
    Path results = tmp.resolve("results-lockless");
    assertThatThrownBy(
            () -> SweepJob.run(spark, new SweepJob.Request(grid, results.toString(), "x", "2026-01-01", false),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("label 'y'");
    assertThat(results).doesNotExist();
  }
}
