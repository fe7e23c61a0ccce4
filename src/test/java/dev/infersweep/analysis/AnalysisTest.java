package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.cli.Main;
import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The effect model, the verdicts, compare and the HTML report, on one small real sweep. */
class AnalysisTest {
  private static SparkSession spark;
  private static Path root;

  @TempDir static Path tmp;

  @BeforeAll
  static void sweepAndCopies() {
    spark = Sessions.create("infersweep-analysis", "local[2]", Map.of("spark.ui.enabled", "false"));
    root = tmp.resolve("results");
    var grid =
        GridLoader.parse(
            "a.yaml",
            "a",
            """
            data: {samples: 64}
            grid:
              epochs: [0, 3]
              precision: [fp32]
              activation_scale: [1, 3]
              seed: [1, 2]
              protocol: [rigorous, seed]
            timing: {batch_sizes: [1, 4], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 6, max_seconds: 0.25}
            """);
    SweepJob.run(
        spark,
        new SweepJob.Request(grid, root.toString(), "base", "2026-03-01", false),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Dataset<Row> base = spark.read().parquet(root.toString()).where("sweep_id = 'base'");
    // An identical copy, and a copy where training slows one configuration (epoch 3, batch 1,
    // scale 3) 25 % more: its paired ratio is 25 % higher.
    write(base.withColumn("sweep_id", lit("copy")).withColumn("sweep_date", lit("2026-03-02")));
    write(
        base.withColumn("sweep_id", lit("slow"))
            .withColumn("sweep_date", lit("2026-03-03"))
            .withColumn(
                "latency_ratio",
                when(SLOW_CELL, col("latency_ratio").multiply(1.25)).otherwise(col("latency_ratio")))
            .withColumn(
                "latency_ratio_ci_low",
                when(SLOW_CELL, col("latency_ratio_ci_low").multiply(1.25)).otherwise(col("latency_ratio_ci_low")))
            .withColumn(
                "latency_ratio_ci_high",
                when(SLOW_CELL, col("latency_ratio_ci_high").multiply(1.25)).otherwise(col("latency_ratio_ci_high"))));
    Views.register(spark, root.toString());
  }

  private static final org.apache.spark.sql.Column SLOW_CELL =
      col("epochs").equalTo(3).and(col("batch_size").equalTo(1)).and(col("activation_scale").equalTo(3.0));

  private static void write(Dataset<Row> rows) {
    rows.write().mode(SaveMode.Append).partitionBy("sweep_date", "sweep_id").parquet(root.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theAnswerIsReadBackFromTheResultsFolderForItsSweepAlone() {
    List<String> lines = Answer.lines(spark, root.toString(), "slow");
    // Sweep "slow" alone: 2 activation scales × 2 batch sizes, each at its last checkpoint.
    assertThat(lines.get(0)).startsWith("answer: ").contains(" of 4 configurations × batch sizes");
    assertThat(lines).hasSizeLessThanOrEqualTo(11);
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("report: jobs/sweep report --results " + root + " --sweep slow --out report.html");
  }

  @Test
  void effectModelRecoversAPlantedSlope() {
    // log(ratio) = 0.05 · log1p(epochs) + noise, with factors that have no effect of their own.
    StructType schema =
        new StructType()
            .add("latency_ratio", "double").add("epochs", "int").add("weight_decay", "double")
            .add("activation_scale", "double").add("precision", "string").add("batch_size", "int")
            .add("optimizer", "string").add("learning_rate", "double").add("intra_op_threads", "int");
    SplittableRandom random = new SplittableRandom(5);
    List<Row> rows = new ArrayList<>();
    for (int epochs : new int[] {0, 1, 10, 100, 1000}) {
      for (double wd : new double[] {0, 1e-3}) {
        for (double scale : new double[] {1, 3}) {
          for (String precision : new String[] {"fp32", "fp64"}) {
            for (int rep = 0; rep < 4; rep++) {
              double log = 0.05 * Math.log1p(epochs) + 0.01 * random.nextGaussian();
              rows.add(RowFactory.create(Math.exp(log), epochs, wd, scale, precision, 1, "sgd", 0.01, 1));
            }
          }
        }
      }
    }
    List<EffectModel.Effect> effects = EffectModel.fit(spark.createDataFrame(rows, schema));
    EffectModel.Effect slope = effects.stream().filter(e -> e.term().equals("log1p_epochs")).findFirst().orElseThrow();
    assertThat(slope.ciLow()).isLessThanOrEqualTo(0.05);
    assertThat(slope.ciHigh()).isGreaterThanOrEqualTo(0.05);
    assertThat(slope.pValue()).isLessThan(1e-6);
    assertThat(effects).extracting(EffectModel.Effect::term)
        .contains("weight_decay", "activation_scale", "log1p_epochs:weight_decay", "log1p_epochs:activation_scale", "(intercept)")
        .doesNotContain("batch_size", "learning_rate");
  }

  @Test
  void fiveVerdictsWithTheirReasons() {
    List<Verdict> verdicts = Verdicts.of(spark, "base");
    assertThat(verdicts).extracting(Verdict::claim).containsExactly(1, 2, 3, 4, 5);
    assertThat(verdicts).allSatisfy(v -> {
      assertThat(v.verdict()).isIn(Verdict.Answer.SUPPORTED, Verdict.Answer.REFUTED, Verdict.Answer.INCONCLUSIVE);
      assertThat(v.reason()).isNotBlank();
    });
    // The sweep does not vary weight decay: claim 3 cannot be decided.
    assertThat(verdicts.get(2).verdict()).isEqualTo(Verdict.Answer.INCONCLUSIVE);
    assertThat(verdicts.get(2).reason()).contains("does not vary weight_decay");
    // Claims 1 and 5 have intervals over the 4 runs.
    assertThat(verdicts.get(0).units()).isEqualTo(4);
    assertThat(verdicts.get(0).ciLow()).isLessThanOrEqualTo(verdicts.get(0).estimate());
    assertThat(verdicts.get(4).units()).isEqualTo(4);
  }

  @Test
  void directionalRuleFollowsTheDocumentedBands() {
    var inBand = new dev.infersweep.stats.Interval(Math.log(1.0), Math.log(0.99), Math.log(1.01));
    var above = new dev.infersweep.stats.Interval(Math.log(1.1), Math.log(1.05), Math.log(1.15));
    var straddle = new dev.infersweep.stats.Interval(Math.log(1.02), Math.log(0.99), Math.log(1.05));
    assertThat(VerdictRules.directional(1, "s", "m", inBand, 3, +1).verdict()).isEqualTo(Verdict.Answer.REFUTED);
    assertThat(VerdictRules.directional(1, "s", "m", above, 3, +1).verdict()).isEqualTo(Verdict.Answer.SUPPORTED);
    assertThat(VerdictRules.directional(3, "s", "m", above, 3, -1).verdict()).isEqualTo(Verdict.Answer.REFUTED);
    assertThat(VerdictRules.directional(1, "s", "m", straddle, 3, +1).verdict()).isEqualTo(Verdict.Answer.INCONCLUSIVE);
  }

  @Test
  void compareFlagsThePlantedSlowdownAndNothingInAnIdenticalCopy() {
    Compare.Result same = Compare.run(spark, "base", "copy", 0.02, 0.05);
    assertThat(same.ratios()).isNotEmpty();
    assertThat(same.family()).isEqualTo(same.ratios().size());
    assertThat(same.regressions()).isZero();
    assertThat(same.unmatched()).isZero();
    // Two sweeps of the grid only: absolute latencies are not judged, and the output says why.
    assertThat(same.shift().note()).contains("3 needed");

    Compare.Result slow = Compare.run(spark, "base", "slow", 0.02, 0.05);
    assertThat(slow.regressions()).isEqualTo(1);
    Compare.RatioChange flagged = slow.ratios().stream().filter(Compare.RatioChange::regression).findFirst().orElseThrow();
    assertThat(flagged.configuration()).contains("epochs=3").contains("batch_size=1").contains("activation_scale=3.0");
    assertThat(flagged.change()).isCloseTo(1.25, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(flagged.baselineReplicates()).isEqualTo(2);
    assertThat(flagged.adjustedP()).isLessThan(0.05);
  }

  @Test
  void compareCommandExitsFourOnARegressionAndZeroOtherwise() {
    String results = root.toString();
    assertThat(Main.execute("compare", "--results", results, "--baseline", "base", "--candidate", "copy")).isZero();
    assertThat(Main.execute("compare", "--results", results, "--baseline", "base", "--candidate", "slow")).isEqualTo(4);
    // The latest sweep is 'slow'; 'previous' (the latest earlier sweep of grid 'a') is 'copy'.
    assertThat(Sweeps.resolve(spark, "latest", "--candidate")).isEqualTo("slow");
    assertThat(Sweeps.previous(spark, "slow", "--baseline")).isEqualTo("copy");
    assertThat(Main.execute("compare", "--results", results, "--baseline", "previous")).isEqualTo(4);
    assertThat(Files.exists(root.resolve("_analysis/compare/candidate=slow/baseline=base"))).isTrue();
    assertThatThrownBy(() -> Sweeps.resolve(spark, "nope", "--candidate"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no such sweep");
  }

  @Test
  void reportRendersInHeadlessChromiumWithItsVerdictTable() throws Exception {
    Path page = tmp.resolve("report.html");
    Compare.Result slow = Compare.run(spark, "base", "slow", 0.02, 0.05);
    List<Verdict> verdicts = Verdicts.of(spark, "slow");
    String html = ReportPage.render(ReportData.collect(spark, "slow", verdicts, List.of(), slow));
    Files.writeString(page, html);
    // Self-contained: nothing is loaded from anywhere.
    assertThat(html).doesNotContain("<script src").doesNotContain("<link");

    String chromium = findChromium();
    if (chromium == null) {
      // CI installs Chromium and sets this, so there the check can never be skipped silently.
      assertThat(System.getenv("INFERSWEEP_REQUIRE_CHROMIUM")).as("Chromium is required but missing").isNull();
      Assumptions.abort("Chromium is not installed; the render check needs it");
    }
    Path stderr = tmp.resolve("chromium.err");
    Process p =
        new ProcessBuilder(
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chrome"), "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString())
            .redirectError(stderr.toFile())
            .start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(stderr);
    // The charts script ran to its end, the verdict table is there with five claims.
    assertThat(dom).contains("data-charts-ready=\"yes\"").contains("<table id=\"verdicts\"").contains("REGRESSED");
    String table = dom.substring(dom.indexOf("<table id=\"verdicts\""), dom.indexOf("</table>", dom.indexOf("<table id=\"verdicts\"")));
    assertThat(table.split("<tr>", -1)).hasSize(1 + 1 + 5);
    assertThat(log).doesNotContain("Uncaught").doesNotContainPattern("CONSOLE.*(?i)error");
  }

  private static String findChromium() {
    for (String name : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (new File(name).canExecute()) {
        return name;
      }
    }
    return null;
  }

  /** Runs the CLI; returns its exit code and what it printed on stderr. */
  private static Map.Entry<Integer, String> cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.execute(args);
      return Map.entry(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void sqlRefusesAnythingThatIsNotAQueryBeforeSparkRunsIt() throws Exception {
    Path victim = Files.createDirectories(tmp.resolve("victim"));
    Files.writeString(victim.resolve("keep.txt"), "x");
    boolean warehouseBefore = Files.exists(Path.of("spark-warehouse"));
    for (String statement :
        List.of(
            "INSERT OVERWRITE DIRECTORY '" + victim + "' USING parquet SELECT 1 AS x",
            "CREATE TABLE t AS SELECT 1 AS x",
            "FROM trials INSERT OVERWRITE DIRECTORY '" + victim + "' USING parquet SELECT run_id",
            "WITH a AS (SELECT 1 AS x) INSERT OVERWRITE DIRECTORY '" + victim + "' USING parquet SELECT * FROM a",
            "DROP VIEW trials",
            "CACHE TABLE trials",
            "SET spark.sql.ansi.enabled=false",
            "ADD JAR /tmp/x.jar",
            "SELECT reflect('java.lang.System', 'exit', 3)",
            "CREATE TEMPORARY VIEW v AS SELECT 1")) {
      Map.Entry<Integer, String> r = cli("sql", "--results", root.toString(), statement);
      assertThat(r.getKey()).as(statement).isEqualTo(2);
      assertThat(r.getValue().strip()).as(statement).startsWith("infersweep: error: query: refused").doesNotContain("\n");
    }
    assertThat(victim.resolve("keep.txt")).hasContent("x");
    if (!warehouseBefore) {
      assertThat(Path.of("spark-warehouse")).doesNotExist();
    }
  }

  @Test
  void sqlAnswersQueriesAndInspectionStatements() {
    for (String statement :
        List.of(
            "SELECT count(*) FROM trials",
            "WITH r AS (SELECT * FROM rigorous) SELECT count(*) FROM r",
            "SHOW TABLES",
            "DESCRIBE trials",
            "EXPLAIN SELECT * FROM runs",
            "/* a comment first */ SELECT 1")) {
      assertThat(cli("sql", "--results", root.toString(), statement).getKey()).as(statement).isZero();
    }
  }

  @Test
  void queryErrorsAreOneLineAndExitTwo() {
    for (String[] args :
        List.of(
            new String[] {"sql", "--results", root.toString(), "SELECT 1/0"},
            new String[] {"sql", "--results", root.toString(), "SELECT no_such_column FROM trials"},
            new String[] {"sql", "--results", root.toString(), "SELEC 1"},
            new String[] {"sql", "--results", root.toString(), "--max-rows", "2147483647", "SELECT 1"})) {
      Map.Entry<Integer, String> r = cli(args);
      assertThat(r.getKey()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.getValue().strip()).as(String.join(" ", args)).startsWith("infersweep: error: ").doesNotContain("\n");
    }
  }

  @Test
  void readersIgnoreWhatIsNotParquetAndSweepFoldersWithBadIds() throws Exception {
    Path sweep = root.resolve("sweep_date=2026-03-01").resolve("sweep_id=base");
    Path notes = Files.writeString(sweep.resolve("notes.txt"), "not a row");
    Path bad = Files.createDirectories(root.resolve("sweep_date=2026-03-01").resolve("sweep_id=a'b"));
    Files.writeString(bad.resolve("x.txt"), "x");
    try {
      Map.Entry<Integer, String> r = cli("sql", "--results", root.toString(), "SELECT count(*) FROM trials");
      assertThat(r.getKey()).isZero();
      assertThat(r.getValue()).contains("ignoring").contains("'a'b' is not a valid sweep id");
    } finally {
      Files.delete(notes);
      Files.delete(bad.resolve("x.txt"));
      Files.delete(bad);
    }
  }
}
