package dev.infersweep.bench;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.ResultRow;
import dev.infersweep.run.Executor;
import dev.infersweep.run.RunTask;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TimingSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The sweep figures' rounds: the grid as it is through Spark {@code local[2]}, then its runs with
 * the timer doing fixed work called directly in this JVM, through {@code local[1]} and through
 * {@code local[2]}, each sweep in a fresh Spark session whose tasks' running time is summed.
 * {@link Benchmarks} takes the medians.
 */
final class SparkSweeps {
  /** Measuring time of each rigorous row in the overhead and scale-out sweeps. */
  static final double FIXED_MEASURE_SECONDS = 0.1;
  /** A relative interval half-width no row reaches, so the timer runs to its time limit. */
  private static final double UNREACHABLE_CI = 1e-9;

  private SparkSweeps() {}

  /** Sweep round {@code r} of {@code rounds}: {@code grid} as it is, and {@code fixed}'s runs. */
  static Benchmarks.SweepRound round(
      int r, int rounds, Path sweepGrid, GridConfig grid, GridConfig fixed, List<RunSpec> specs, Path work,
      PrintStream progress) {
    progress.println("[bench] sweep round " + (r + 1) + "/" + rounds + ": " + sweepGrid + " through Spark local[2]"
        + ", then its " + specs.size() + " runs with the timer doing fixed work, called directly in this JVM ...");
    double gridSweep = sweep(grid, "local[2]", work.resolve("grid-" + r), progress).wallSeconds();
    long start = System.nanoTime();
    double directTimer = 0;
    for (RunSpec spec : specs) {
      for (ResultRow row : RunTask.execute(spec, new Executor("driver", org.apache.spark.package$.MODULE$.SPARK_VERSION()))) {
        Measurement m = row.measurement();
        directTimer += m == null ? 0 : m.warmupSeconds() + m.measureSeconds();
      }
    }
    double direct = (System.nanoTime() - start) / 1e9;
    Swept one = sweep(fixed, "local[1]", work.resolve("local1-" + r), progress);
    double local2 = sweep(fixed, "local[2]", work.resolve("local2-" + r), progress).wallSeconds();
    Benchmarks.SweepRound round =
        new Benchmarks.SweepRound(gridSweep, direct, one.wallSeconds(), local2, one.summary().writeSeconds(), directTimer,
            one.timerSeconds(), one.taskSeconds());
    progress.printf(java.util.Locale.ROOT, "[bench] sweep round %d: the grid through local[2] %.1f s; fixed work: direct %.1f s"
        + " (timer %.1f s), local[1] %.1f s (timer %.1f s, writing %.1f s), local[2] %.1f s%n",
        r + 1, round.grid(), round.direct(), round.directTimer(), round.local1(), round.local1Timer(),
        round.local1Writing(), round.local2());
    return round;
  }

  /**
   * {@code grid} with the timer doing fixed work: an interval no row reaches, so that every rigorous
   * row measures for {@value #FIXED_MEASURE_SECONDS} s. The adaptive timer stops a row when its
   * interval is narrow enough, which on a noisy machine varies a sweep's work by tens of percent
   * between sweeps and would swamp the few percent that Spark's overhead is.
   */
  static GridConfig fixedWork(GridConfig grid) {
    TimingSpec t = grid.timing();
    TimingSpec fixed =
        new TimingSpec(t.warmupIterations(), t.warmupMaxSeconds(), t.blockSize(), t.minBlocks(), UNREACHABLE_CI,
            FIXED_MEASURE_SECONDS, t.seedIterations(), t.inputSeed());
    return new GridConfig(grid.name(), grid.file(), grid.maxRows(), grid.model(), grid.data(), grid.regime(), grid.trainTimeoutSeconds(),
        grid.axes(), fixed, grid.saveCheckpoints());
  }

  /**
   * A sweep as the benchmark saw it.
   *
   * @param timerSeconds its rows' warm-up and measuring seconds, summed (read back after the clock
   *     stopped)
   * @param taskSeconds the time Spark's tasks spent running the runs, summed (Spark's own
   *     {@code executorRunTime}): the rest of the wall time, on {@code local[1]}, is Spark's overhead
   */
  private record Swept(SweepJob.Summary summary, double timerSeconds, double taskSeconds) {
    double wallSeconds() {
      return summary.wallSeconds();
    }
  }

  /** One sweep of {@code grid} through a fresh Spark session on {@code master}. */
  private static Swept sweep(GridConfig grid, String master, Path out, PrintStream progress) {
    progress.println("[bench] sweep through Spark " + master + " ...");
    SparkSession spark = Sessions.create("infersweep-bench", master, Map.of("spark.ui.enabled", "false"));
    java.util.concurrent.atomic.LongAdder taskMillis = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder taskEnds = new java.util.concurrent.atomic.LongAdder();
    org.apache.spark.scheduler.SparkListener tasks =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
              taskMillis.add(end.taskMetrics().executorRunTime());
            }
            taskEnds.increment();
          }
        };
    spark.sparkContext().addSparkListener(tasks);
    try {
      SweepJob.Summary s =
          SweepJob.run(
              spark,
              new SweepJob.Request(grid, out.toString(), "bench", "2026-01-01", true),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      if (s.anyFailed()) {
        throw new IllegalStateException("the " + master + " sweep had failed rows: " + s.failures());
      }
      // The listener bus delivers task ends asynchronously: wait for one per run (a task each).
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (taskEnds.sum() < s.runs() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
      spark.sparkContext().removeSparkListener(tasks);
      if (taskEnds.sum() < s.runs()) {
        throw new IllegalStateException("Spark reported " + taskEnds.sum() + " of the " + s.runs() + " tasks of the sweep");
      }
      Row sum = spark.read().parquet(s.output())
          .selectExpr("coalesce(sum(warmup_seconds + measure_seconds), 0) AS timer").first();
      return new Swept(s, sum.getDouble(0), taskMillis.sum() / 1e3);
    } finally {
      spark.stop();
    }
  }
}
