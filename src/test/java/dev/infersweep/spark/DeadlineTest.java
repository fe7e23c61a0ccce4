package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep-wide deadline: the runs finished by then keep their rows, the others are cancelled and
 * written as failed rows that say so, every row is there once, and the sweep exits 3.
 */
class DeadlineTest {
  @TempDir Path tmp;

  @Test
  void runsNotFinishedByTheDeadlineAreFailedRowsAndTheSweepExitsThree() throws Exception {
    // Ten runs one after the other (local[1]), each one to a few seconds of training and timing: an
    // 8 s deadline lets the first through and cancels the last on a fast or a loaded machine.
    Path grid = Files.writeString(tmp.resolve("d.yaml"),
        "data: {samples: 500}\ngrid: {epochs: [0, 3000], seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n"
            + "timing: {warmup_iterations: 10, warmup_max_seconds: 0.1, min_blocks: 4, max_seconds: 0.4}\n");
    Path out = tmp.resolve("r");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", out.toString(), "--sweep-id", "dl",
        "--master", "local[1]", "--deadline", "8s");
    assertThat(code).isEqualTo(3);
    SparkSession spark = Sessions.create("infersweep-test", "local[1]", Map.of("spark.ui.enabled", "false"));
    try {
      List<Row> rows = spark.read().parquet(out.toString()).select("run_id", "row_id", "status", "error").collectAsList();
      assertThat(rows).hasSize(20);
      assertThat(rows.stream().map(r -> r.<String>getAs("row_id")).distinct()).hasSize(20);
      List<Row> cancelled = rows.stream().filter(r -> "failed".equals(r.getAs("status"))).toList();
      assertThat(cancelled).isNotEmpty()
          .allSatisfy(r -> assertThat(r.<String>getAs("error")).contains("deadline (--deadline PT8S) passed before this run finished"));
      assertThat(rows.stream().filter(r -> "ok".equals(r.getAs("status")))).isNotEmpty();
      // A run is cut off whole: its rows are all failed or all kept.
      rows.stream().collect(java.util.stream.Collectors.groupingBy(r -> r.<String>getAs("run_id")))
          .values().forEach(run -> assertThat(run.stream().map(r -> r.<String>getAs("status")).distinct()).hasSize(1));
    } finally {
      spark.stop();
    }
  }

  @Test
  void aDeadlineThatIsNoDurationExitsTwo() {
    assertThat(Main.execute("run", "--grid", "conf/smoke.yaml", "--deadline", "soon")).isEqualTo(2);
    assertThat(Main.execute("run", "--grid", "conf/smoke.yaml", "--deadline", "0s")).isEqualTo(2);
  }
}
