package dev.infersweep.spark;

import dev.infersweep.spec.Axes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.infersweep.analysis.SqlQuery;
import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.ResultSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trunk end to end: conf/smoke.yaml on Spark local[2], read back by a plain Parquet reader. */
class SweepJobTest {
  private static SparkSession spark;
  private static GridConfig smoke;
  private static SweepJob.Summary summary;
  private static String console;

  @TempDir static Path out;

  @BeforeAll
  static void runSmokeSweep() {
    spark = Sessions.create("infersweep-test", "local[2]", Map.of("spark.ui.enabled", "false"));
    smoke = GridLoader.load(Path.of(System.getProperty("infersweep.project.dir", "."), "conf", "smoke.yaml"));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    summary =
        SweepJob.run(
            spark,
            new SweepJob.Request(smoke, out.toString(), "it-1", "2026-01-02", false),
            new PrintStream(buffer, true, StandardCharsets.UTF_8));
    console = buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path sweepFolder() {
    return out.resolve("sweep_date=2026-01-02").resolve("sweep_id=it-1");
  }

  @Test
  void summaryCountsEveryRowOfTheGrid() {
    assertThat(summary.rows()).isEqualTo(smoke.rowCount()).isEqualTo(768);
    assertThat(summary.runs()).isEqualTo(16);
    assertThat(summary.rowsFailed()).isZero();
    assertThat(summary.rowsOk() + summary.rowsUnsupported()).isEqualTo(summary.rows());
    assertThat(summary.anyFailed()).isFalse();
    assertThat(summary.output()).endsWith("sweep_date=2026-01-02/sweep_id=it-1");
    assertThat(console).contains("16/16 runs done").contains("ETA").contains("all runs are back; writing 768 rows");
    // The writing is timed from the last run's return, so it is a part of the wall time, not all of it.
    assertThat(summary.writeSeconds()).isPositive().isLessThan(summary.wallSeconds());
  }

  @Test
  void parquetReadsBackWithTheExactColumnsAndRowCount() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sweepFolder())) {
      files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
    assertThat(files).isNotEmpty();
    long rows = 0;
    List<String> columns = new ArrayList<>();
    for (Path file : files) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
        rows += reader.getRecordCount();
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        columns = schema.getFields().stream().map(Type::getName).toList();
      }
    }
    assertThat(rows).isEqualTo(smoke.rowCount());
    // The partition columns live in the folder names, as Spark and every Hive-style reader expect.
    List<String> expected = new ArrayList<>(ResultSchema.names());
    expected.removeAll(List.of(ResultSchema.SWEEP_DATE, ResultSchema.SWEEP_ID));
    assertThat(columns).containsExactlyElementsOf(expected);
    assertThat(out.resolve("_staging")).doesNotExist();
  }

  @Test
  void everyRowIsMeasuredOrExplainedWithSaneLatencies() {
    List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
    assertThat(rows).hasSize(768);
    assertThat(rows.stream().map(r -> r.<String>getAs("row_id")).distinct()).hasSize(768);
    for (Row r : rows) {
      String status = r.getAs("status");
      assertThat(r.<String>getAs("sweep_id")).isEqualTo("it-1");
      assertThat(r.<String>getAs("sweep_date")).isEqualTo("2026-01-02");
      assertThat(r.<String>getAs("executor_id")).isNotBlank();
      assertThat(r.<Integer>getAs("threads")).isEqualTo(1);
      assertThat(r.<Long>getAs("calibration_ns_start")).isPositive();
      assertThat(r.<Long>getAs("calibration_ns_end")).isPositive();
      if (!"ok".equals(status)) {
        // Only a precision the engine cannot run may be left unmeasured, and it must say why.
        assertThat(status).isEqualTo("unsupported");
        assertThat(r.<String>getAs("precision")).isEqualTo("bf16");
        assertThat(r.<String>getAs("error")).contains("bf16");
        assertThat(r.<Double>getAs("latency_p50_ns")).isNull();
        continue;
      }
      assertThat(r.<Double>getAs("latency_p50_ns")).isBetween(1_000.0, 10_000_000.0);
      assertThat(r.<Boolean>getAs("output_finite")).isTrue();
      assertThat(r.<Double>getAs("weight_l2")).isPositive();
      assertThat(r.<Double>getAs("weight_subnormal_fraction")).isBetween(0.0, 1.0);
      assertThat(r.<Double>getAs("dead_unit_fraction")).isBetween(0.0, 1.0);
      assertThat(r.<Double>getAs("activation_mean_abs")).isPositive();
      assertThat(r.<Double>getAs("latency_p90_ns")).isGreaterThanOrEqualTo(r.<Double>getAs("latency_p50_ns"));
      assertThat(r.<Double>getAs("baseline_p50_ns")).isBetween(1_000.0, 10_000_000.0);
      assertThat(r.<Double>getAs("latency_ratio")).isPositive();
      if ("rigorous".equals(r.getAs("protocol"))) {
        assertThat(r.<Double>getAs("latency_ratio"))
            .isBetween(r.<Double>getAs("latency_ratio_ci_low"), r.<Double>getAs("latency_ratio_ci_high"));
        assertThat(r.<Integer>getAs("blocks")).isGreaterThanOrEqualTo(2);
        assertThat(r.<Double>getAs("subnormal_zeroed_ratio"))
            .isBetween(r.<Double>getAs("subnormal_zeroed_ratio_ci_low"), r.<Double>getAs("subnormal_zeroed_ratio_ci_high"));
        assertThat(r.<Boolean>getAs("ci_reached")).isNotNull();
        assertThat(r.<Integer>getAs("iterations")).isEqualTo(r.<Integer>getAs("blocks") * smoke.timing().blockSize());
      } else {
        assertThat(r.<Double>getAs("latency_ratio_ci_low")).isNull();
        assertThat(r.<Double>getAs("subnormal_zeroed_ratio")).isNull();
        assertThat(r.<Boolean>getAs("ci_reached")).isNull();
        assertThat(r.<Integer>getAs("iterations")).isEqualTo(smoke.timing().seedIterations());
        if (r.<Integer>getAs("epochs") == 0) {
          assertThat(r.<Double>getAs("latency_ratio")).isEqualTo(1.0);
        }
      }
    }
    assertThat(rows.stream().filter(r -> "ok".equals(r.getAs("status"))).map(r -> r.<String>getAs("precision")).distinct())
        .containsExactlyInAnyOrder("fp32", "fp64", "fp16");
    assertThat(rows.stream().map(r -> r.<String>getAs("protocol")).distinct())
        .containsExactlyInAnyOrder("rigorous", "seed");
  }

  @Test
  void everyRunEndsWithALowerLossThanItStarted() {
    Map<String, Map<Integer, Double>> loss = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      loss.computeIfAbsent(r.getAs("run_id"), k -> new HashMap<>())
          .merge(r.getAs("epochs"), r.getAs("train_loss"), (a, b) -> {
            // Every row of a checkpoint carries the same training state.
            assertThat(a).isEqualTo(b);
            return a;
          });
    }
    assertThat(loss).hasSize(16);
    int last = smoke.axes().get(Axes.EPOCHS).stream().max(Integer::compare).orElseThrow();
    loss.values().forEach(byEpoch -> assertThat(byEpoch.get(last)).isLessThan(byEpoch.get(0)));
  }

  @Test
  void refusesToWriteTheSameSweepTwice() {
    assertThatThrownBy(
            () ->
                SweepJob.run(
                    spark,
                    new SweepJob.Request(smoke, out.toString(), "it-1", "2026-01-02", false),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("already exists")
        .satisfies(e -> assertThat(((SweepException) e).kind()).isEqualTo(SweepException.Kind.CONFLICT));
  }

  @Test
  void sqlAnswersOverTheTrialsView() {
    String table =
        SqlQuery.run(
            spark,
            out.toString(),
            "SELECT precision, count(*) AS n FROM trials GROUP BY precision ORDER BY precision",
            SqlQuery.Format.TABLE,
            100);
    assertThat(table).contains("| bf16      | 192 |").contains("| fp32      | 192 |").contains("(4 rows)");
    String csv =
        SqlQuery.run(spark, sweepFolder().toString(), "SELECT DISTINCT sweep_id FROM trials", SqlQuery.Format.CSV, 10);
    assertThat(csv).isEqualTo("sweep_id\nit-1\n");
    assertThatThrownBy(() -> SqlQuery.run(spark, out.toString(), "SELEC 1", SqlQuery.Format.TABLE, 10))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("query: ");
  }

  @Test
  void duckDbReadsTheSameRowsThroughTheDocumentedGlob() throws Exception {
    // Analysis outputs and the manifest beside the rows must not disturb the glob.
    Path analysis = Files.createDirectories(out.resolve("_analysis").resolve("verdicts").resolve("sweep_id=it-1"));
    Path rowsFile;
    try (Stream<Path> walk = Files.walk(sweepFolder())) {
      rowsFile = walk.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.copy(rowsFile, analysis.resolve("part-0.parquet"));
    assertThat(sweepFolder().resolve("_sweep.json")).exists();

    Row spark =
        SweepJobTest.spark
            .sql("SELECT count(*) AS n, count(DISTINCT row_id) AS ids, sum(latency_p50_ns) AS p50,"
                + " sum(train_loss) AS loss, max(measured_at) AS at FROM parquet.`" + sweepFolder() + "`")
            .first();
    String glob = out + "/sweep_date=*/sweep_id=*/*.parquet";
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement()) {
      ResultSet r =
          st.executeQuery(
              "SELECT count(*), count(DISTINCT row_id), sum(latency_p50_ns), sum(train_loss), max(measured_at),"
                  + " count(DISTINCT sweep_id), min(sweep_date)"
                  + " FROM read_parquet('" + glob + "', hive_partitioning = true)");
      assertThat(r.next()).isTrue();
      assertThat(r.getLong(1)).isEqualTo(spark.<Long>getAs("n")).isEqualTo(768);
      assertThat(r.getLong(2)).isEqualTo(spark.<Long>getAs("ids"));
      assertThat(r.getDouble(3)).isCloseTo(spark.<Double>getAs("p50"), within(1e-6 * spark.<Double>getAs("p50")));
      assertThat(r.getDouble(4)).isCloseTo(spark.<Double>getAs("loss"), within(1e-9 * spark.<Double>getAs("loss")));
      assertThat(r.getTimestamp(5).toInstant()).isEqualTo(spark.<java.sql.Timestamp>getAs("at").toInstant());
      assertThat(r.getLong(6)).isEqualTo(1);
      assertThat(r.getString(7)).isEqualTo("2026-01-02");

      // measured_at is a microsecond timestamp, not Spark's legacy INT96.
      ResultSet schema =
          st.executeQuery(
              "SELECT type, logical_type FROM parquet_schema('" + rowsFile + "') WHERE name = 'measured_at'");
      assertThat(schema.next()).isTrue();
      assertThat(schema.getString(1)).isEqualTo("INT64");
      assertThat(schema.getString(2)).startsWith("TimestampType").contains("MICROS=MicroSeconds()");

      // The layers column: one struct per layer, read by DuckDB's unnest as by Spark's explode.
      long sparkLayers =
          SweepJobTest.spark.sql("SELECT count(*) AS n FROM parquet.`" + sweepFolder() + "` LATERAL VIEW explode(layers) AS l"
              + " WHERE l.units = 50 AND l.activation = 'relu'").first().getLong(0);
      ResultSet layers =
          st.executeQuery(
              "SELECT count(*), count_if(u.index = 0 AND u.units = 50 AND u.activation = 'relu'),"
                  + " count_if(u.index = 1 AND u.activation = 'identity'), count(u.weight_subnormal_fraction)"
                  + " FROM (SELECT unnest(layers) AS u FROM read_parquet('" + glob + "', hive_partitioning = true))");
      assertThat(layers.next()).isTrue();
      assertThat(layers.getLong(1)).isEqualTo(2 * 768);
      assertThat(layers.getLong(2)).isEqualTo(768).isEqualTo(sparkLayers);
      assertThat(layers.getLong(3)).isEqualTo(768);
      assertThat(layers.getLong(4)).isPositive();
    } finally {
      try (Stream<Path> walk = Files.walk(out.resolve("_analysis"))) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
