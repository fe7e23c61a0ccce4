package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.cli.Main;
import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing lost, nothing duplicated: failing runs, resume, overwrite, concurrent sweeps, bad output. */
class ReliabilityTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  /** A grid that runs in seconds. */
  private static final String TINY =
      """
      name: tiny
      data: {samples: 64}
      grid: {epochs: [0, 2], precision: [fp32], seed: %s}
      timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.05}
      """;

  @BeforeAll
  static void start() {
    spark = Sessions.create("infersweep-reliability", "local[2]", Map.of("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static GridConfig grid(String seeds) {
    return GridLoader.parse("tiny.yaml", "tiny", TINY.formatted(seeds));
  }

  private SweepJob.Summary run(GridConfig grid, String id, SweepJob.Mode mode, ByteArrayOutputStream console) {
    return SweepJob.run(
        spark,
        new SweepJob.Request(grid, tmp.resolve("r").toString(), id, "2026-02-03", false, mode),
        new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  private List<Row> rows(String id) {
    return spark.read().parquet(tmp.resolve("r").toString()).where("sweep_id = '" + id + "'").collectAsList();
  }

  @Test
  void aFailingRunBecomesRowsAndTheOthersFinish() {
    // Seed 1 trains normally; the second grid axis value makes its run diverge.
    GridConfig grid =
        GridLoader.parse(
            "div.yaml",
            "div",
            """
            train: {learning_rate: 50}
            data: {samples: 64}
            grid: {epochs: [0, 300], activation_scale: [0.001, 1000], precision: [fp32]}
            timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.05}
            """);
    SweepJob.Summary s = run(grid, "div", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    assertThat(s.rows()).isEqualTo(grid.rowCount()).isEqualTo(4);
    assertThat(s.anyFailed()).isTrue();
    assertThat(s.runsFailed()).isEqualTo(1);
    assertThat(s.failures()).singleElement().asString().contains("activation_scale=1000.0").contains("diverged");
    Map<String, Long> byStatus = rows("div").stream().collect(Collectors.groupingBy(r -> r.<String>getAs("status"), Collectors.counting()));
    assertThat(byStatus).containsEntry("ok", 3L).containsEntry("failed", 1L);
  }

  @Test
  void aRunPastItsTimeoutFailsWithTheReason() {
    GridConfig grid =
        GridLoader.parse(
            "slow.yaml",
            "slow",
            """
            train: {timeout_seconds: 0.001}
            grid: {epochs: [0, 100000], precision: [fp32]}
            timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.05}
            """);
    SweepJob.Summary s = run(grid, "slow", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    assertThat(s.anyFailed()).isTrue();
    assertThat(s.failures()).singleElement().asString().contains("train.timeout_seconds");
    assertThat(rows("slow")).extracting(r -> r.<String>getAs("status")).containsExactlyInAnyOrder("ok", "failed");
  }

  @Test
  void resumeRunsOnlyWhatIsMissingAndKeepsTheRest() {
    run(grid("[1]"), "res", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    Map<String, Object> before =
        rows("res").stream().collect(Collectors.toMap(r -> r.<String>getAs("row_id"), r -> r.getAs("measured_at")));
    assertThat(before).hasSize(2);

    // The grid gained a seed: only the new run is executed; the old rows are kept as they were.
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SweepJob.Summary s = run(grid("[1, 2]"), "res", SweepJob.Mode.RESUME, console);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("2 rows kept, 1 of 2 runs to do");
    List<Row> after = rows("res");
    assertThat(after).hasSize(4);
    assertThat(after.stream().map(r -> r.<String>getAs("row_id")).distinct()).hasSize(4);
    before.forEach((id, at) -> assertThat(after).anySatisfy(r -> {
      assertThat(r.<String>getAs("row_id")).isEqualTo(id);
      assertThat((Object) r.getAs("measured_at")).isEqualTo(at);
    }));
    assertThat(s.rows()).isEqualTo(4);

    // Nothing missing: a second resume runs nothing and changes nothing.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    run(grid("[1, 2]"), "res", SweepJob.Mode.RESUME, again);
    assertThat(again.toString(StandardCharsets.UTF_8)).contains("4 rows kept, 0 of 2 runs to do");
    assertThat(rows("res")).hasSize(4);
    assertThat(tmp.resolve("r").resolve("_trash")).doesNotExist();
  }

  @Test
  void overwriteReplacesTheSweepAndTheDefaultRefuses() {
    run(grid("[1]"), "ow", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    assertThatThrownBy(() -> run(grid("[1]"), "ow", SweepJob.Mode.NEW, new ByteArrayOutputStream()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--resume or --overwrite");
    Object first = rows("ow").get(0).getAs("measured_at");
    run(grid("[3]"), "ow", SweepJob.Mode.OVERWRITE, new ByteArrayOutputStream());
    List<Row> after = rows("ow");
    assertThat(after).hasSize(2).allSatisfy(r -> assertThat(r.<Long>getAs("seed")).isEqualTo(3L));
    assertThat((Object) after.get(0).getAs("measured_at")).isNotEqualTo(first);
  }

  @Test
  void twoSweepsWritingToTheSameRootAtOnceBothCompleteIntact() {
    CompletableFuture<SweepJob.Summary> a =
        CompletableFuture.supplyAsync(() -> run(grid("[1, 2]"), "con-a", SweepJob.Mode.NEW, new ByteArrayOutputStream()));
    CompletableFuture<SweepJob.Summary> b =
        CompletableFuture.supplyAsync(() -> run(grid("[5, 6]"), "con-b", SweepJob.Mode.NEW, new ByteArrayOutputStream()));
    assertThat(a.join().rows()).isEqualTo(4);
    assertThat(b.join().rows()).isEqualTo(4);
    assertThat(rows("con-a")).hasSize(4);
    assertThat(rows("con-b")).hasSize(4);
    assertThat(tmp.resolve("r").resolve("_staging")).doesNotExist();
  }

  @Test
  void anOutputThatCannotBeWrittenExitsTwoAndWritesNothing() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
    Path gridFile = Files.writeString(tmp.resolve("tiny.yaml"), TINY.formatted("[1]"));
    assertThatThrownBy(() -> SweepJob.run(spark, new SweepJob.Request(grid("[1]"), file.toString(), "x", "2026-02-03", false), System.out))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a folder");
    assertThat(Main.execute("run", "--grid", gridFile.toString(), "--out", file.resolve("sub").toString(), "--resume", "--overwrite"))
        .isEqualTo(2);
    assertThat(Files.readString(file)).isEqualTo("x");
  }
}
