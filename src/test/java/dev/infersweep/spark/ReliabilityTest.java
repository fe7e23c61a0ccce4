package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
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
import org.apache.hadoop.fs.FileSystem;
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
      timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.2}
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
            timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.2}
            """);
    SweepJob.Summary s = run(grid, "div", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    assertThat(s.rows()).isEqualTo(grid.rowCount()).isEqualTo(4);
    assertThat(s.anyFailed()).isTrue();
    assertThat(s.runsFailed()).isEqualTo(1);
    assertThat(s.failures()).singleElement().asString().contains("activation_scale=1000.0").contains("diverged");
    Map<String, Long> byStatus = rows("div").stream().collect(Collectors.groupingBy(r -> r.<String>getAs("status"), Collectors.counting()));
    assertThat(byStatus).containsEntry("ok", 3L).containsEntry("failed", 1L);
  }

  /** A 1 ns limit is past once the epoch-0 checkpoint is taken: no step can start, on any machine. */
  @Test
  void aRunPastItsTimeoutFailsWithTheReason() {
    GridConfig grid =
        GridLoader.parse(
            "slow.yaml",
            "slow",
            """
            train: {timeout_seconds: 0.000000001}
            grid: {epochs: [0, 100000], precision: [fp32]}
            timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.2}
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
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("resume or overwrite");
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

  private SweepJob.Summary runAt(Path out, GridConfig grid, String id, SweepJob.Mode mode, ByteArrayOutputStream console) {
    return SweepJob.run(
        spark,
        new SweepJob.Request(grid, out.toString(), id, "2026-02-09", false, mode),
        new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  private static FileSystem localFs() throws Exception {
    return FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
  }

  @Test
  void aSecondWriterOfTheSameSweepIdIsRefusedWhileTheFirstLivesAndADeadOnesMarkerIsReclaimed() throws Exception {
    Path out = tmp.resolve("locks");
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(out.toUri());
    try (SweepLock first = SweepLock.acquire(localFs(), root, "one", System.out)) {
      assertThatThrownBy(() -> runAt(out, grid("[1]"), "one", SweepJob.Mode.NEW, new ByteArrayOutputStream()))
          .isInstanceOf(SweepException.class)
          .hasMessageContaining("being written by another process")
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .satisfies(e -> assertThat(((SweepException) e).kind()).isEqualTo(SweepException.Kind.CONFLICT));
      assertThat(out.resolve("sweep_date=2026-02-09")).doesNotExist();
    }
    // A marker left by a process that no longer runs on this host is taken over.
    Path marker = out.resolve("_locks").resolve("two.lock");
    Files.writeString(marker, java.net.InetAddress.getLocalHost().getHostName() + " 2147483646 2026-01-01T00:00:00Z\n");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    assertThat(runAt(out, grid("[1]"), "two", SweepJob.Mode.NEW, console).rows()).isEqualTo(2);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("reclaiming the marker");
    assertThat(marker).doesNotExist();
  }

  @Test
  void resumeRefusesAChangedGridNamingTheKeysAndAcceptsAnExtension() throws Exception {
    Path out = tmp.resolve("fp");
    runAt(out, grid("[1]"), "fp", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    Path manifest = out.resolve("sweep_date=2026-02-09").resolve("sweep_id=fp").resolve("_sweep.json");
    assertThat(manifest).exists();
    JsonNode json = new ObjectMapper().readTree(manifest.toFile());
    assertThat(json.get("fingerprint").asText()).hasSize(16);
    assertThat(json.get("rowsByStatus").get("ok").asLong()).isEqualTo(2);
    assertThat(json.get("grid").get("axes").get("seed").toString()).isEqualTo("[\"1\"]");
    assertThat(json.get("versions").get("pytorch").asText()).isNotBlank();
    assertThat(json.get("hosts")).hasSize(1);

    GridConfig changed =
        GridLoader.parse("tiny.yaml", "tiny", TINY.formatted("[1]").replace("data: {samples: 64}", "data: {samples: 64}\ntrain: {learning_rate: 0.02}"));
    assertThatThrownBy(() -> runAt(out, changed, "fp", SweepJob.Mode.RESUME, new ByteArrayOutputStream()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("grid changed")
        .hasMessageContaining("grid.learning_rate (values [0.01] removed)");
    GridConfig fewer = GridLoader.parse("tiny.yaml", "tiny", TINY.formatted("[1]").replace("epochs: [0, 2]", "epochs: [0, 3]"));
    assertThatThrownBy(() -> runAt(out, fewer, "fp", SweepJob.Mode.RESUME, new ByteArrayOutputStream()))
        .hasMessageContaining("grid.epochs (values [2] removed)");
    // A pure extension (a new seed) resumes.
    assertThat(runAt(out, grid("[1, 2]"), "fp", SweepJob.Mode.RESUME, new ByteArrayOutputStream()).rows()).isEqualTo(4);
  }

  @Test
  void aFailedPublishKeepsTheRowsAndResumePublishesThemWithoutRerunning() throws Exception {
    Path out = tmp.resolve("pub");
    // A file where the date folder must go: Spark can stage the rows, the rename cannot publish them.
    Files.createDirectories(out);
    Path blocker = Files.writeString(out.resolve("sweep_date=2026-02-09"), "in the way");
    assertThatThrownBy(() -> runAt(out, grid("[1, 2]"), "pub", SweepJob.Mode.NEW, new ByteArrayOutputStream()))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("its 4 rows are kept in")
        .hasMessageContaining("resume the sweep")
        .satisfies(e -> assertThat(((SweepException) e).kind()).isEqualTo(SweepException.Kind.IO));
    try (var staged = Files.list(out.resolve("_staging"))) {
      assertThat(staged.toList()).singleElement().satisfies(p -> assertThat(p.resolve("_SUCCESS")).exists());
    }
    Files.delete(blocker);
    // A new sweep with that id is refused: the finished rows would be forgotten.
    assertThatThrownBy(() -> runAt(out, grid("[1, 2]"), "pub", SweepJob.Mode.NEW, new ByteArrayOutputStream()))
        .hasMessageContaining("finished rows of an earlier attempt");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SweepJob.Summary s = runAt(out, grid("[1, 2]"), "pub", SweepJob.Mode.RESUME, console);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("4 rows kept, 0 of 2 runs to do");
    assertThat(s.rows()).isEqualTo(4);
    assertThat(spark.read().parquet(out.toString()).count()).isEqualTo(4);
    assertThat(out.resolve("_staging")).doesNotExist();
  }

  @Test
  void aSweepLeftInTheTrashByADeadWriterIsRestoredWhenItsPlaceIsEmpty() throws Exception {
    Path out = tmp.resolve("trash");
    runAt(out, grid("[1]"), "gone", SweepJob.Mode.NEW, new ByteArrayOutputStream());
    Path published = out.resolve("sweep_date=2026-02-09").resolve("sweep_id=gone");
    // As if the writer died between moving the old sweep aside and publishing the new one.
    Path trashed = out.resolve("_trash").resolve("gone-" + java.util.UUID.randomUUID()).resolve("sweep_date=2026-02-09");
    Files.createDirectories(trashed);
    Files.move(published, trashed.resolve("sweep_id=gone"));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    runAt(out, grid("[7]"), "other", SweepJob.Mode.NEW, console);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("restored sweep gone");
    assertThat(published.resolve("_sweep.json")).exists();
    assertThat(out.resolve("_trash")).doesNotExist();
  }
}
