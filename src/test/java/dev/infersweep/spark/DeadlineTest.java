package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.cli.Main;
import dev.infersweep.spec.Axes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep-wide deadline: the runs finished by then keep their rows, the others are cancelled and
 * written as failed rows that say so, every row is there once, and the sweep exits 3. Nothing here
 * bets on how fast a run trains: the deadline is read on a clock the test controls
 * ({@link RunCollector#clock}), and a run that must miss it is held until its task is cancelled
 * ({@link RunPartition#holdUntilCancelled}).
 */
class DeadlineTest {
  /** Two runs (seeds 1 and 2) of two rows each (epochs 0 and 1), timed briefly. */
  private static final String GRID = "data: {samples: 50}\ngrid: {epochs: [0, 1], seed: [1, 2]}\n"
      + "timing: {warmup_iterations: 10, warmup_max_seconds: 0.1, min_blocks: 4, max_seconds: 0.2}\n";
  private static final String CANCELLED =
      "the sweep's deadline (--deadline PT1H) passed before this run finished; it was cancelled";

  @TempDir Path tmp;

  @AfterEach
  void putTheSeamsBack() {
    RunCollector.clock = RunCollector.WALL_CLOCK;
    RunPartition.holdUntilCancelled = spec -> false;
  }

  /** Runs the grid on local[2] (both runs at once) with a one-hour deadline; its exit code. */
  private int sweep() throws Exception {
    Path grid = Files.writeString(tmp.resolve("d.yaml"), GRID);
    return Main.execute("run", "--grid", grid.toString(), "--out", tmp.resolve("r").toString(), "--sweep-id", "dl",
        "--master", "local[2]", "--deadline", "1h");
  }

  /** Each row's seed, status and error, ordered by seed then epoch. */
  private List<List<Object>> rows() {
    SparkSession spark = Sessions.create("infersweep-test", "local[1]", Map.of("spark.ui.enabled", "false"));
    try {
      return spark.read().parquet(tmp.resolve("r").toString()).orderBy("seed", "epochs")
          .select("seed", "status", "error").collectAsList().stream()
          .map(r -> java.util.Arrays.asList(r.get(0), r.get(1), r.get(2))).toList();
    } finally {
      spark.stop();
    }
  }

  private static List<Object> row(long seed, String status, String error) {
    return java.util.Arrays.asList(seed, status, error);
  }

  @Test
  void runsNotFinishedByTheDeadlineAreFailedRowsAndTheSweepExitsThree() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    Predicate<dev.infersweep.spec.RunSpec> seedTwo = spec -> spec.get(Axes.SEED) == 2L;
    RunPartition.holdUntilCancelled = spec -> {
      if (seedTwo.test(spec)) {
        held.countDown();
        return true;
      }
      return false;
    };
    // The deadline passes once seed 1's rows are back and seed 2's task is held: it cannot finish.
    RunCollector.clock = (job, deadline, done) -> {
      held.await();
      while (done.isEmpty()) {
        if (!job.isAlive()) {
          return false;
        }
        Thread.sleep(10);
      }
      return true;
    };
    assertThat(sweep()).isEqualTo(3);
    assertThat(rows()).containsExactly(row(1, "ok", null), row(1, "ok", null), row(2, "failed", CANCELLED), row(2, "failed", CANCELLED));
  }

  @Test
  void runsFinishedBeforeTheDeadlineAreAllMeasuredAndTheSweepExitsZero() throws Exception {
    // The deadline is not reached before the job ends.
    RunCollector.clock = (job, deadline, done) -> {
      job.join();
      return false;
    };
    assertThat(sweep()).isZero();
    assertThat(rows()).containsExactly(row(1, "ok", null), row(1, "ok", null), row(2, "ok", null), row(2, "ok", null));
  }

  @Test
  void aDeadlineThatPassesOnceEveryRunHasFinishedCutsNothing() throws Exception {
    RunCollector.clock = (job, deadline, done) -> {
      job.join();
      return true;
    };
    assertThat(sweep()).isZero();
    assertThat(rows()).containsExactly(row(1, "ok", null), row(1, "ok", null), row(2, "ok", null), row(2, "ok", null));
  }

  @Test
  void theWallClockPassesWhileTheJobRunsAndNotOnceItHasEnded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread running = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    running.start();
    try {
      // The thread cannot end before it is released, however long the 1 ms wait takes.
      assertThat(RunCollector.WALL_CLOCK.passes(running, Duration.ofMillis(1), Map.of())).isTrue();
    } finally {
      release.countDown();
    }
    running.join();
    assertThat(RunCollector.WALL_CLOCK.passes(running, Duration.ofDays(1), Map.of())).isFalse();
  }

  @Test
  void aDeadlineThatIsNoDurationExitsTwo() {
    assertThat(Main.execute("run", "--grid", "conf/smoke.yaml", "--deadline", "soon")).isEqualTo(2);
    assertThat(Main.execute("run", "--grid", "conf/smoke.yaml", "--deadline", "0s")).isEqualTo(2);
  }
}
