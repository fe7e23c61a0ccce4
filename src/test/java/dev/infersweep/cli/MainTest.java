package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line, without starting Spark for the error cases. */
class MainTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @TempDir Path tmp;

  private String errText() {
    return console.err();
  }

  @Test
  void helpExitsZeroOnEveryCommand() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(Main.execute("run", "--help")).isZero();
    assertThat(Main.execute("sql", "--help")).isZero();
    assertThat(console.out()).contains("--grid").contains("--results").contains("Exit codes");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(Main.execute("run")).isEqualTo(2);
    assertThat(errText()).contains("--grid");
    assertThat(Main.execute("frobnicate")).isEqualTo(2);
  }

  @Test
  void badGridExitsTwoWithOneLineAndWritesNothing() throws Exception {
    Path grid = Files.writeString(tmp.resolve("bad.yaml"), "grid: {epochs: [0], precison: [fp32]}\n");
    Path results = tmp.resolve("results");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString());
    assertThat(code).isEqualTo(2);
    assertThat(errText().strip())
        .isEqualTo(
            "infersweep: error: "
                + grid
                + ": grid.precison: unknown key (did you mean 'precision'?); allowed: activation_scale, epochs, learning_rate, optimizer, precision, protocol, seed, steps, weight_decay");
    assertThat(results).doesNotExist();
    // --results names the same folder, as in sql, report and compare: the grid is still what fails.
    assertThat(Main.execute("run", "--grid", grid.toString(), "--results", results.toString())).isEqualTo(2);
    assertThat(errText()).contains("grid.precison: unknown key").doesNotContain("Unknown option");
  }

  @Test
  void moreIntraOpThreadsThanTheTaskHoldsExitTwoWithWhatToSetAndWriteNothing() throws Exception {
    Path grid = Files.writeString(tmp.resolve("threads.yaml"), "grid: {epochs: [0]}\ntiming: {threads: [1, 2]}\n");
    Path results = tmp.resolve("results");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString(), "--master", "local[2]");
    assertThat(code).isEqualTo(2);
    assertThat(errText().strip())
        .isEqualTo("infersweep: error: " + grid + ": timing.threads: 2 intra-op threads exceed the 1 core(s) each task"
            + " holds (spark.task.cpus); run with --conf spark.task.cpus=2 so that each task holds as many cores, or lower timing.threads");
    assertThat(results).doesNotExist();
    assertThat(Main.execute("run", "--grid", Files.writeString(tmp.resolve("zero.yaml"), "grid: {epochs: [0]}\ntiming: {threads: [0]}\n").toString(),
        "--out", results.toString())).isEqualTo(2);
    assertThat(errText()).contains("timing.threads[0]").contains("between 1 and 1024");
    assertThat(results).doesNotExist();
  }

  @Test
  void badDateAndSweepIdExitTwo() throws Exception {
    Path grid = Files.writeString(tmp.resolve("ok.yaml"), "grid: {epochs: [0]}\n");
    assertThat(Main.execute("run", "--grid", grid.toString(), "--date", "26/11/2026")).isEqualTo(2);
    assertThat(errText()).contains("--date '26/11/2026': expected YYYY-MM-DD");
    assertThat(Main.execute("run", "--grid", grid.toString(), "--sweep-id", "a/b")).isEqualTo(2);
    assertThat(errText()).contains("--sweep-id 'a/b'");
  }

  @Test
  void planCountsRunsAndRowsWithoutSpark() throws Exception {
    Path grid =
        Files.writeString(
            tmp.resolve("p.yaml"),
            "grid: {epochs: [0, 5], seed: [1, 2, 3], precision: [fp32, fp16], protocol: [rigorous, seed]}\n");
    assertThat(Main.execute("plan", "--grid", grid.toString())).isZero();
    assertThat(console.out()).contains("runs: 3").contains("rows: 24")
        .contains("network: 10→50 relu→2, cross_entropy (hand-written gradients)").contains("training: full batch, 1 step(s) per epoch");
    console.reset();
    assertThat(Main.execute("plan", "--grid", grid.toString(), "--rows-only")).isZero();
    assertThat(console.out()).isEqualTo("24\n");
  }

  @Test
  void planDescribesADeclaredNetworkAndItsMinibatches() throws Exception {
    Path grid =
        Files.writeString(
            tmp.resolve("n.yaml"),
            "model: {input: 4, loss: mse, layers: [{dense: 8, activation: gelu}, {dense: 1}]}\n"
                + "data: {samples: 100}\ntrain: {batch_size: 32, momentum: 0.9}\ngrid: {steps: [0, 8]}\n");
    assertThat(Main.execute("plan", "--grid", grid.toString())).isZero();
    assertThat(console.out())
        .contains("network: 4→8 gelu→1, mse (DJL autograd)")
        .contains("training: minibatch 32, 4 step(s) per epoch, momentum 0.9")
        .contains("epochs [0, 2]");
  }

  @Test
  void sqlWithUnknownFormatExitsTwo() {
    assertThat(Main.execute("sql", "--results", tmp.toString(), "--format", "xml", "SELECT 1")).isEqualTo(2);
    assertThat(errText()).contains("--format xml: allowed: table, csv, json");
  }

  /** The Spark properties an application logged at its start, from its event log. */
  private static String eventLog(Path dir) throws Exception {
    // Spark 4 rolls event logs into a folder per application; read every file of it.
    try (var files = Files.walk(dir)) {
      StringBuilder text = new StringBuilder();
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        text.append(Files.readString(f));
      }
      assertThat(text).as("an event log under " + dir).isNotEmpty();
      return text.toString();
    }
  }

  @Test
  void masterAndConfReachTheSessionOfEverySparkCommand() throws Exception {
    // Each command must start its own session for this to show anything.
    assertThat(org.apache.spark.sql.SparkSession.getDefaultSession().isDefined()).isFalse();
    Path grid =
        Files.writeString(
            tmp.resolve("tiny.yaml"),
            "name: tiny\ndata: {samples: 32}\ngrid: {epochs: [0, 1], precision: [fp32]}\n"
                + "timing: {warmup_iterations: 5, warmup_max_seconds: 0.02, min_blocks: 4, max_seconds: 0.2}\n");
    String results = tmp.resolve("results").toString();
    List<String[]> commands =
        List.of(
            new String[] {"run", "--grid", grid.toString(), "--out", results, "--sweep-id", "s"},
            new String[] {"sql", "--results", results, "SELECT count(*) FROM trials"},
            new String[] {"report", "--results", results, "--out", tmp.resolve("r.html").toString()},
            new String[] {"compare", "--results", results, "--baseline", "s", "--candidate", "s"});
    for (String[] command : commands) {
      Path events = Files.createDirectories(tmp.resolve("events-" + command[0]));
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(
          List.of(
              "--master", "local[1]",
              "--conf", "spark.eventLog.enabled=true",
              "--conf", "spark.eventLog.compress=false",
              "--conf", "spark.eventLog.dir=" + events.toUri(),
              "--conf", "spark.infersweep.probe=" + command[0]));
      assertThat(Main.execute(args.toArray(String[]::new))).as(command[0] + ": " + errText()).isZero();
      String log = eventLog(events);
      assertThat(log).as(command[0]).contains("\"spark.master\":\"local[1]\"").contains("\"spark.infersweep.probe\":\"" + command[0] + "\"");
      // Local runs keep the UI off; the user could still turn it on with --conf.
      assertThat(log).as(command[0]).contains("\"spark.ui.enabled\":\"false\"");
    }
  }
}
