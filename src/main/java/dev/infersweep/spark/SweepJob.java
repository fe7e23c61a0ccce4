package dev.infersweep.spark;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.result.RowStatus;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The sweep on the driver: expand the grid into runs, run one per task, collect the rows, check that
 * each expected row came back exactly once, and publish them as one Parquet partition.
 *
 * <p>Rows are collected to the driver before anything is written: the results are small (a row per
 * measurement cell, bounded by {@code max_rows}), and it means a retried or speculative task can
 * never add a second copy of a row, since each partition's result is taken once.
 */
public final class SweepJob {
  private SweepJob() {}

  /** What to do when the sweep id already exists under the results root. */
  public enum Mode {
    /** Refuse (the default): a sweep is written once. */
    NEW,
    /** Keep its ok and unsupported rows; run only the runs with rows missing or failed. */
    RESUME,
    /** Replace it whole. */
    OVERWRITE
  }

  /** What the caller asked for. */
  public record Request(
      GridConfig grid,
      String out,
      String sweepId,
      String sweepDate,
      boolean allowLarge,
      Mode mode,
      DeviceKind device) {
    public Request(GridConfig grid, String out, String sweepId, String sweepDate, boolean allowLarge, Mode mode) {
      this(grid, out, sweepId, sweepDate, allowLarge, mode, DeviceKind.CPU);
    }

    public Request(GridConfig grid, String out, String sweepId, String sweepDate, boolean allowLarge) {
      this(grid, out, sweepId, sweepDate, allowLarge, Mode.NEW);
    }
  }

  /**
   * What happened.
   *
   * @param failures one line per failed run: its id, settings and first error
   * @param notes each distinct reason a precision was unsupported
   */
  public record Summary(
      String sweepId,
      String sweepDate,
      int runs,
      int runsFailed,
      long rows,
      long rowsOk,
      long rowsFailed,
      long rowsUnsupported,
      double wallSeconds,
      String output,
      List<String> failures,
      List<String> notes) {

    /** Whether any row failed (the others are ok or unsupported). */
    public boolean anyFailed() {
      return rowsFailed > 0;
    }
  }

  public static Summary run(SparkSession spark, Request request, PrintStream console) {
    long start = System.nanoTime();
    GridConfig grid = request.grid();
    grid.checkSize(request.allowLarge());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Publisher publisher =
        new Publisher(request.out(), request.sweepDate(), request.sweepId(), jsc.hadoopConfiguration());
    boolean exists = publisher.checkBeforeRun(request.mode());

    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    List<RunSpec> all =
        GridExpander.expand(grid, request.sweepId(), request.sweepDate(), threads, request.device());
    List<Row> kept =
        request.mode() == Mode.RESUME && exists ? keptRows(spark, publisher.targetPath()) : List.of();
    Set<String> keptIds = new HashSet<>();
    kept.forEach(r -> keptIds.add(r.<String>getAs("row_id")));
    List<RunSpec> runs = all.stream().filter(r -> !r.rowIds().stream().allMatch(keptIds::contains)).toList();
    console.printf(
        "[infersweep] sweep %s (%s): %d runs, %d rows, master %s, %d thread(s) per task%n",
        request.sweepId(), grid.name(), runs.size(), grid.rowCount(), jsc.master(), threads);
    if (request.mode() == Mode.RESUME && exists) {
      console.printf(
          "[infersweep] resuming: %d rows kept, %d of %d runs to do%n", kept.size(), runs.size(), all.size());
    }
    console.flush();

    String group = "infersweep-" + request.sweepId();
    ProgressListener progress = new ProgressListener(group, runs.size(), console);
    spark.sparkContext().addSparkListener(progress);
    try {
      return runAndPublish(spark, jsc, request, all, runs, kept, keptIds, publisher, group, start);
    } finally {
      spark.sparkContext().removeSparkListener(progress);
    }
  }

  private static Summary runAndPublish(
      SparkSession spark,
      JavaSparkContext jsc,
      Request request,
      List<RunSpec> all,
      List<RunSpec> runs,
      List<Row> kept,
      Set<String> keptIds,
      Publisher publisher,
      String group,
      long start) {
    List<Row> rows = new ArrayList<>(kept);
    if (!runs.isEmpty()) {
      try {
        jsc.setJobGroup(group, "infersweep sweep " + request.sweepId(), false);
        // One run per partition: Spark spreads them over the executors' task slots.
        JavaRDD<Row> rdd = jsc.parallelize(runs, runs.size()).mapPartitions(new RunPartition(), true);
        // A resumed run re-measures all its cells; only the ones not kept are added.
        rdd.collect().stream().filter(r -> !keptIds.contains(r.<String>getAs("row_id"))).forEach(rows::add);
      } catch (RuntimeException e) {
        publisher.discardStaging();
        throw e;
      } finally {
        jsc.clearJobGroup();
      }
    }

    checkComplete(all, rows);
    String published;
    try {
      spark
          .createDataFrame(rows, ResultSchema.SCHEMA)
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .partitionBy(ResultSchema.SWEEP_DATE, ResultSchema.SWEEP_ID)
          .parquet(publisher.stagingPath());
      published = publisher.publish(request.sweepDate(), request.sweepId()).toString();
    } catch (Exception e) {
      // Spark's AnalysisException is checked in Java's eyes, hence Exception.
      publisher.discardStaging();
      throw new IllegalStateException("could not write the results: " + e.getMessage(), e);
    }
    return summarise(request, all, rows, (System.nanoTime() - start) / 1e9, published);
  }

  /** The existing sweep's rows worth keeping on --resume: all but the failed ones. */
  private static List<Row> keptRows(SparkSession spark, String target) {
    String root = new org.apache.hadoop.fs.Path(target).getParent().getParent().toString();
    return spark
        .read()
        .option("basePath", root)
        .schema(ResultSchema.SCHEMA)
        .parquet(target)
        .select(ResultSchema.names().stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .where(org.apache.spark.sql.functions.col("status").notEqual(RowStatus.FAILED.label()))
        .collectAsList();
  }

  /** Every row the grid expects, each exactly once, or the sweep is not published. */
  private static void checkComplete(List<RunSpec> runs, List<Row> rows) {
    Set<String> ids = new HashSet<>();
    for (Row row : rows) {
      String id = row.getAs("row_id");
      if (!ids.add(id)) {
        throw new IllegalStateException("duplicate row_id " + id + "; nothing was written");
      }
    }
    long missing = runs.stream().flatMap(r -> r.rowIds().stream()).filter(id -> !ids.contains(id)).count();
    if (missing > 0) {
      throw new IllegalStateException(missing + " expected rows did not come back; nothing was written");
    }
  }

  private static Summary summarise(
      Request request, List<RunSpec> runs, List<Row> rows, double seconds, String output) {
    long ok = 0;
    long failed = 0;
    long unsupported = 0;
    Map<String, String> failedRuns = new LinkedHashMap<>();
    Set<String> notes = new LinkedHashSet<>();
    for (Row row : rows) {
      String status = row.getAs("status");
      if (status.equals(RowStatus.OK.label())) {
        ok++;
      } else if (status.equals(RowStatus.UNSUPPORTED.label())) {
        unsupported++;
        notes.add(row.getAs("error"));
      } else {
        failed++;
        failedRuns.putIfAbsent(row.getAs("run_id"), row.getAs("error"));
      }
    }
    List<String> failures = new ArrayList<>();
    for (RunSpec run : runs) {
      String why = failedRuns.get(run.runId());
      if (why != null) {
        failures.add("run " + run.runId() + " (" + settings(run) + "): " + why);
      }
    }
    return new Summary(
        request.sweepId(),
        request.sweepDate(),
        runs.size(),
        failedRuns.size(),
        rows.size(),
        ok,
        failed,
        unsupported,
        seconds,
        output,
        failures,
        List.copyOf(notes));
  }

  /** A run's settings as {@code optimizer=sgd, learning_rate=0.01, ...}, from the axis declarations. */
  static String settings(RunSpec run) {
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : Axes.RUN) {
      parts.add(axis.name() + "=" + axis.label(run.get(axis)));
    }
    return String.join(", ", parts);
  }
}
