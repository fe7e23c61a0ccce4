package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.cli.Main;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import dev.infersweep.stats.StudentT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare on real sweeps: three identical sweeps raise no alarm on any pair; a planted 5 % change of
 * one configuration's paired ratio and a planted 10 % shift of every absolute latency are both found.
 */
class CompareTest {
  private static SparkSession spark;
  private static Path root;

  @TempDir static Path tmp;

  private static final String GRID =
      """
      name: %s
      data: {samples: 64}
      grid: {epochs: [0, 3], precision: [fp32], activation_scale: [1, 3], seed: [1, 2, 3]}
      timing: {batch_sizes: [1, 4], warmup_iterations: 100, warmup_max_seconds: 0.2, min_blocks: 10, max_seconds: 1.0, target_ci: 0.005}
      """;

  /** The cell planted with a slower effect: epoch 3, batch 4, scale 3. */
  private static final Column PLANTED =
      col("epochs").equalTo(3).and(col("batch_size").equalTo(4)).and(col("activation_scale").equalTo(3.0));

  @BeforeAll
  static void threeIdenticalSweepsAndAPlantedOne() {
    spark = Sessions.create("infersweep-compare", "local[2]", Map.of("spark.ui.enabled", "false"));
    root = tmp.resolve("results");
    // A first sweep of another grid warms the JVM up, so that the three nights compare like with like.
    sweep(GridLoader.parse("w.yaml", "warm", GRID.formatted("warm")), "warm", "2026-04-01");
    GridConfig grid = GridLoader.parse("n.yaml", "nights", GRID.formatted("nights"));
    sweep(grid, "n1", "2026-04-02");
    sweep(grid, "n2", "2026-04-03");
    sweep(grid, "n3", "2026-04-04");
    Dataset<Row> n3 = spark.read().parquet(root.toString()).where("sweep_id = 'n3'");
    Dataset<Row> n4 =
        n3.withColumn("sweep_id", lit("n4"))
            .withColumn("sweep_date", lit("2026-04-05"))
            .withColumn("latency_ratio", when(PLANTED, col("latency_ratio").multiply(1.05)).otherwise(col("latency_ratio")))
            .withColumn("latency_ratio_ci_low", when(PLANTED, col("latency_ratio_ci_low").multiply(1.05)).otherwise(col("latency_ratio_ci_low")))
            .withColumn("latency_ratio_ci_high", when(PLANTED, col("latency_ratio_ci_high").multiply(1.05)).otherwise(col("latency_ratio_ci_high")))
            .withColumn("latency_p50_ns", col("latency_p50_ns").multiply(1.10))
            .withColumn("measured_at", col("measured_at").plus(org.apache.spark.sql.functions.expr("INTERVAL 1 DAY")));
    n4.write().mode(SaveMode.Append).partitionBy("sweep_date", "sweep_id").parquet(root.toString());
    Views.register(spark, root.toString());
  }

  private static void sweep(GridConfig grid, String id, String date) {
    SweepJob.run(
        spark,
        new SweepJob.Request(grid, root.toString(), id, date, false),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void identicalSweepsRaiseNoAlarmOnAnyPair() {
    for (String[] pair : List.of(new String[] {"n1", "n2"}, new String[] {"n2", "n3"}, new String[] {"n1", "n3"})) {
      Compare.Result r = Compare.run(spark, pair[0], pair[1], 0.02, 0.05);
      assertThat(r.family()).isEqualTo(4);
      assertThat(r.regressions()).as(Compare.table(r, 10, true)).isZero();
      assertThat(Main.execute("compare", "--results", root.toString(), "--baseline", pair[0], "--candidate", pair[1]))
          .isZero();
    }
  }

  /** What a nightly log gets: the changes and what was not judged, then one summary line. */
  @Test
  void identicalSweepsPrintAHandfulOfLinesAndAllPrintsEveryConfiguration() {
    String[] args = {"compare", "--results", root.toString(), "--baseline", "n1", "--candidate", "n2"};
    List<String> lines = stdout(args).lines().toList();
    Compare.Result r = Compare.run(spark, "n1", "n2", 0.02, 0.05);
    long changed = r.ratios().stream().filter(c -> c.regression() || c.improvement()).count();
    assertThat(lines).as(String.join("\n", lines)).hasSizeLessThanOrEqualTo(5 + (int) changed);
    assertThat(lines.get(lines.size() - 1)).startsWith("compare: candidate n2 against baseline n1: family of 4 configurations");
    assertThat(lines).filteredOn(l -> l.startsWith("not judged: global shift")).hasSize(1);
    assertThat(lines).noneMatch(l -> l.startsWith("ok"));

    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--all";
    List<String> every = stdout(all).lines().toList();
    assertThat(every).filteredOn(l -> l.matches("^(ok|REGRESSED|improved) .*")).hasSize(4);
    assertThat(every.get(every.size() - 1)).isEqualTo(lines.get(lines.size() - 1));
  }

  private static String stdout(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.execute(args)).isZero();
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * One seed a sweep, few rounds (3 degrees of freedom each, t = 3.18): a 4.1 % change whose rows'
   * own standard errors (0.01 each, Satterthwaite: 6 degrees of freedom) make it significant. Backed
   * out of the same intervals' ends with 1.96, as compare did before the columns existed, each
   * standard error is t/1.96 = 1.62 times too large and the change is not found.
   */
  @Test
  void theRowsStandardErrorsAndDegreesOfFreedomAreUsedNotOnesBackedOutWithAZ() {
    double t = StudentT.quantile(0.95, 3);
    double low = Math.exp(-t * 0.01);
    double high = Math.exp(t * 0.01);
    CompareRows.Replicate before = CompareRows.Replicate.of(1.0, 0.01, 3.0, low, high);
    CompareRows.Replicate after = CompareRows.Replicate.of(Math.exp(0.04), 0.01, 3.0, low * Math.exp(0.04), high * Math.exp(0.04));
    Compare.RatioChange kept = judge(before, after);
    assertThat(kept.regression()).as("%s", kept).isTrue();
    assertThat(kept.pValue()).isCloseTo(StudentT.pValue(0.04 / Math.hypot(0.01, 0.01), 6), org.assertj.core.api.Assertions.within(1e-12));

    // Rows written before latency_ratio_log_se and latency_ratio_df: the old back-out, and no alarm.
    CompareRows.Replicate oldBefore = CompareRows.Replicate.of(1.0, null, null, low, high);
    CompareRows.Replicate oldAfter = CompareRows.Replicate.of(Math.exp(0.04), null, null, low * Math.exp(0.04), high * Math.exp(0.04));
    assertThat(oldBefore.se() / 0.01).isCloseTo(t / StudentT.Z95, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(judge(oldBefore, oldAfter).regression()).isFalse();
  }

  private static Compare.RatioChange judge(CompareRows.Replicate base, CompareRows.Replicate cand) {
    return RatioQuestion.of(Map.of("c", Map.of(1L, base)), Map.of("c", Map.of(1L, cand)), 0.02).changes().get(0);
  }

  @Test
  void findsThePlantedRatioChangeAndTheGlobalShift() {
    Compare.Result r = Compare.run(spark, "n3", "n4", 0.02, 0.05);
    String table = Compare.table(r, 10, true);
    assertThat(r.historySweeps()).as(table).isEqualTo(3);
    assertThat(r.ratios().stream().filter(Compare.RatioChange::regression))
        .as(table)
        .singleElement()
        .satisfies(c -> {
          assertThat(c.configuration()).contains("activation_scale=3.0").contains("epochs=3").contains("batch_size=4");
          assertThat(c.change()).isCloseTo(1.05, org.assertj.core.api.Assertions.within(1e-9));
        });
    // The 10 % shift is measured exactly; whether it is flagged depends on how much the three earlier
    // sweeps' absolute latencies varied (on a shared 2-core machine often more than 10 %: then it
    // is honestly not flagged). The rule itself is pinned on synthetic histories below.
    assertThat(r.shift().change()).isCloseTo(1.10, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(r.shift().regression()).as(table).isEqualTo(1.10 > r.shift().limit());
    // A uniform shift is one finding, not one per configuration.
    assertThat(r.absolutes()).noneMatch(Compare.AbsoluteChange::regression);
    assertThat(table).contains("family of 4 configurations").contains("history of 3 sweeps explains up to");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.execute("compare", "--results", root.toString(), "--baseline", "previous", "--candidate", "n4")).isEqualTo(4);
    } finally {
      System.setOut(saved);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("REGRESSED").contains("activation_scale=3.0").contains("global shift");
  }

  @Test
  void aGlobalShiftIsFlaggedOnlyBeyondWhatTheHistoryExplains() {
    double base = Math.log(1000);
    // Quiet history (0.5 % night to night): 10 % is far beyond it.
    double[] quiet = {Math.log(1003), Math.log(995), Math.log(1000)};
    assertThat(Compare.shiftLimit(quiet, base)).isLessThan(Math.log(1.10));
    // Noisy history (15 %, as absolute latencies can be between processes): 10 % is within it.
    double[] noisy = {Math.log(1150), Math.log(870), Math.log(1000)};
    assertThat(Compare.shiftLimit(noisy, base)).isGreaterThan(Math.log(1.10));
  }
}
