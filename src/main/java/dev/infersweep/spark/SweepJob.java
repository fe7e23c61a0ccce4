package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridFingerprint;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The sweep on the driver: read the grid's training table if it has one ({@link TrainingTable}, once,
 * broadcast to the tasks), expand the grid into runs, run one per task, collect the rows, check that
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
      DeviceKind device,
      Duration deadline) {
    public Request(
        GridConfig grid, String out, String sweepId, String sweepDate, boolean allowLarge, Mode mode, DeviceKind device) {
      this(grid, out, sweepId, sweepDate, allowLarge, mode, device, null);
    }

    public Request(GridConfig grid, String out, String sweepId, String sweepDate, boolean allowLarge, Mode mode) {
      this(grid, out, sweepId, sweepDate, allowLarge, mode, DeviceKind.CPU);
    }

    public Request(GridConfig grid, String out, String sweepId, String sweepDate, boolean allowLarge) {
      this(grid, out, sweepId, sweepDate, allowLarge, Mode.NEW);
    }

    /** The same request for {@code other} (the grid with its table read). */
    Request withGrid(GridConfig other) {
      return new Request(other, out, sweepId, sweepDate, allowLarge, mode, device, deadline);
    }
  }

  /**
   * What happened.
   *
   * @param wallSeconds the whole sweep, from the lock taken to the rows published
   * @param writeSeconds the part of it after the last run came back: writing the rows' file,
   *     the manifest, and publishing
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
      double writeSeconds,
      String output,
      List<String> failures,
      List<String> notes) {

    /** Whether any row failed (the others are ok or unsupported). */
    public boolean anyFailed() {
      return rowsFailed > 0;
    }

    /** The same summary, with the sweep's wall time and the part of it spent writing. */
    Summary finishedIn(double seconds, double writing) {
      return new Summary(sweepId, sweepDate, runs, runsFailed, rows, rowsOk, rowsFailed, rowsUnsupported, seconds,
          writing, output, failures, notes);
    }
  }

  public static Summary run(SparkSession spark, Request request, PrintStream console) {
    long start = System.nanoTime();
    Instant startedAt = Instant.now();
    GridConfig grid = request.grid();
    grid.checkSize(request.allowLarge());
    grid.checkThreads(taskCpus(spark));
    DriverInputs inputs = DriverInputs.read(spark, request, console);
    request = inputs.request();
    grid = request.grid();
    TrainingSet samples = inputs.samples();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Publisher publisher =
        new Publisher(request.out(), request.sweepDate(), request.sweepId(), jsc.hadoopConfiguration());
    try (SweepLock lock = publisher.lock(console)) {
      publisher.recover(console);
      boolean exists = publisher.checkBeforeRun(request.mode());
      Path earlier = publisher.earlierStaging();
      if (earlier != null && request.mode() == Mode.NEW) {
        publisher.discardStaging();
        throw new SweepException(
            SweepException.Kind.CONFLICT,
            "the finished rows of an earlier attempt of sweep " + request.sweepId() + " are kept in " + earlier
                + "; resume the sweep to publish them without re-running, or overwrite it to discard them");
      }
      if (request.mode() == Mode.OVERWRITE) {
        publisher.discardEarlier(earlier);
        earlier = null;
      }
      GridFingerprint fingerprint = GridFingerprint.of(grid, request.device());
      Path previous = earlier != null ? earlier : exists ? publisher.target() : null;
      if (request.mode() == Mode.RESUME && previous != null) {
        checkResumable(publisher, previous, fingerprint, request.sweepId(), console);
      }
      return runLocked(spark, jsc, request, samples, publisher, previous, fingerprint, start, startedAt, console);
    }
  }

  /** The cores each task holds: {@code spark.task.cpus}, also the intra-op threads a run trains with. */
  static int taskCpus(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
  }

  /** Refuses to resume a sweep made with another grid, unless this grid only adds axis values. */
  private static void checkResumable(
      Publisher publisher, Path previous, GridFingerprint now, String sweepId, PrintStream console) {
    Manifest manifest;
    try {
      manifest = Manifest.read(publisher.fs(), previous);
    } catch (IOException e) {
      throw SweepException.io("cannot read the manifest of sweep " + sweepId + " at " + previous + ": " + e.getMessage(), e);
    }
    if (manifest == null || manifest.grid() == null) {
      console.printf("[infersweep] note: sweep %s has no manifest (written by an older version); its grid is not checked%n", sweepId);
      return;
    }
    List<String> changes = now.changesFrom(manifest.grid());
    if (!changes.isEmpty()) {
      throw new ConfigException(
          "cannot resume sweep " + sweepId + ": its grid changed since it was written: " + String.join(", ", changes)
              + "; use a new sweep id, or overwrite the sweep");
    }
  }

  /** The runs to do: all the grid's runs, less those whose rows a resumed sweep keeps. */
  private record Plan(List<RunSpec> all, List<RunSpec> runs, List<Row> kept, Set<String> keptIds) {}

  private static Summary runLocked(
      SparkSession spark,
      JavaSparkContext jsc,
      Request request,
      TrainingSet samples,
      Publisher publisher,
      Path previous,
      GridFingerprint fingerprint,
      long start,
      Instant startedAt,
      PrintStream console) {
    Plan plan = plan(spark, jsc, request, previous, console);
    List<Row> rows = new ArrayList<>(plan.kept());
    try {
      if (!plan.runs().isEmpty()) {
        // A resumed run re-measures all its cells; only the ones not kept are added.
        execute(spark, jsc, request, samples, plan.runs(), console).stream()
            .filter(r -> !plan.keptIds().contains(r.<String>getAs("row_id")))
            .forEach(rows::add);
      }
    } catch (RuntimeException e) {
      publisher.discardStaging();
      throw e;
    }
    return publish(request, publisher, previous, fingerprint, plan.all(), rows, start, startedAt, console);
  }

  private static Plan plan(
      SparkSession spark, JavaSparkContext jsc, Request request, Path previous, PrintStream console) {
    GridConfig grid = request.grid();
    int threads = taskCpus(spark);
    List<RunSpec> all =
        GridExpander.expand(grid, request.sweepId(), request.sweepDate(), threads, request.device());
    boolean resuming = request.mode() == Mode.RESUME && previous != null;
    List<Row> kept = resuming ? SweepRows.kept(spark, previous) : List.of();
    Set<String> keptIds = new HashSet<>();
    kept.forEach(r -> keptIds.add(r.<String>getAs("row_id")));
    List<RunSpec> runs = all.stream().filter(r -> !r.rowIds().stream().allMatch(keptIds::contains)).toList();
    console.printf(
        "[infersweep] sweep %s (%s): %d runs, %d rows, master %s, %d thread(s) per task%n",
        request.sweepId(), grid.name(), runs.size(), grid.rowCount(), jsc.master(), threads);
    if (resuming) {
      console.printf(
          "[infersweep] resuming from %s: %d rows kept, %d of %d runs to do%n",
          previous, kept.size(), runs.size(), all.size());
    }
    console.flush();
    return new Plan(all, runs, kept, keptIds);
  }

  /** Runs {@code runs}, one per task, and returns their rows (failed rows for those cut off). */
  private static List<Row> execute(
      SparkSession spark,
      JavaSparkContext jsc,
      Request request,
      TrainingSet samples,
      List<RunSpec> runs,
      PrintStream console) {
    String group = "infersweep-" + request.sweepId();
    ProgressListener progress = new ProgressListener(group, runs.size(), console);
    spark.sparkContext().addSparkListener(progress);
    Broadcast<TrainingSet> shipped = null;
    try {
      // The table goes to each executor once, as a broadcast; tasks never read its path.
      shipped = samples == null ? null : jsc.broadcast(samples);
      // One run per partition: Spark spreads them over the executors' task slots.
      RunPartition task = TaskFiles.partition(shipped, request, runs.size(), jsc.hadoopConfiguration(), console);
      JavaRDD<Row> rdd = jsc.parallelize(runs, runs.size()).mapPartitions(task, true);
      RunCollector.Collected collected =
          RunCollector.collect(jsc, rdd, group, "infersweep sweep " + request.sweepId(), request.deadline());
      progress.finish(collected.byPartition().keySet());
      return SweepRows.ofRuns(runs, collected, request.deadline());
    } finally {
      spark.sparkContext().removeSparkListener(progress);
      if (shipped != null) {
        shipped.destroy();
      }
    }
  }

  /** Checks the rows are complete, writes them and the manifest, and publishes the sweep. */
  private static Summary publish(
      Request request,
      Publisher publisher,
      Path previous,
      GridFingerprint fingerprint,
      List<RunSpec> all,
      List<Row> rows,
      long start,
      Instant startedAt,
      PrintStream console) {
    SweepRows.checkComplete(all, rows);
    long writing = System.nanoTime();
    console.printf("[infersweep] all runs are back; writing %d rows ...%n", rows.size());
    console.flush();
    publisher.stage(rows);
    // Counted once: the manifest, published with the rows, carries the same counts as the summary.
    Summary summary = SweepRows.summarise(request, all, rows, 0, publisher.targetPath());
    try {
      Manifest.of(request, fingerprint, summary, rows, startedAt).write(publisher.fs(), publisher.stagedSweep());
      publisher.publish();
      publisher.discardEarlier(previous != null && !previous.equals(publisher.target()) ? previous : null);
      long done = System.nanoTime();
      return summary.finishedIn((done - start) / 1e9, (done - writing) / 1e9);
    } catch (IOException | RuntimeException e) {
      throw SweepException.io(
          "could not publish sweep " + request.sweepId() + " (" + e.getMessage() + "); its " + rows.size()
              + " rows are kept in " + publisher.stagingPath()
              + "; resume the sweep to publish them without re-running",
          e);
    }
  }
}
