package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line, without starting Spark for the error cases. */
class MainTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private PrintStream savedOut;

  @TempDir Path tmp;

  @BeforeEach
  void capture() {
    savedErr = System.err;
    savedOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
    System.setOut(savedOut);
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpExitsZeroOnEveryCommand() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(Main.execute("run", "--help")).isZero();
    assertThat(Main.execute("sql", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--grid").contains("--results").contains("Exit codes");
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
                + ": grid.precison: unknown key (did you mean 'precision'?); allowed: activation_scale, epochs, learning_rate, optimizer, precision, protocol, seed, weight_decay");
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
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("runs: 3").contains("rows: 24");
    out.reset();
    assertThat(Main.execute("plan", "--grid", grid.toString(), "--rows-only")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("24\n");
  }

  @Test
  void sqlWithUnknownFormatExitsTwo() {
    assertThat(Main.execute("sql", "--results", tmp.toString(), "--format", "xml", "SELECT 1")).isEqualTo(2);
    assertThat(errText()).contains("--format xml: allowed: table, csv, json");
  }
}
