package dev.infersweep.spark;

import dev.infersweep.result.ResultFiles;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.result.RowStatus;
import dev.infersweep.run.RunTask;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.RunSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A sweep's rows on the driver, between the runs and the write: the rows a resumed sweep keeps, the
 * rows of the runs that came back (and of those the deadline cut off), the check that every
 * expected row is there exactly once, and the counts and failure lines of the {@link
 * SweepJob.Summary}.
 */
final class SweepRows {
  private SweepRows() {}

  /** The existing sweep's rows worth keeping on --resume: all but the failed ones. */
  static List<Row> kept(SparkSession spark, Path sweepFolder) {
    String root = sweepFolder.getParent().getParent().toString();
    return ResultFiles.read(spark, root, sweepFolder.toString())
        .select(ResultSchema.names().stream().map(functions::col).toArray(Column[]::new))
        .where(functions.col("status").notEqual(RowStatus.FAILED.label()))
        .collectAsList();
  }

  /**
   * Every run's rows, partition i being run i: those that came back, and for the runs the deadline
   * cut off, failed rows that say so (every cell, so that no row is missing).
   */
  static List<Row> ofRuns(List<RunSpec> runs, RunCollector.Collected collected, Duration deadline) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      List<Row> back = collected.byPartition().get(i);
      if (back != null) {
        out.addAll(back);
      } else if (collected.deadlinePassed()) {
        String reason = "the sweep's deadline (--deadline " + deadline + ") passed before this run finished; it was cancelled";
        RunTask.notRun(runs.get(i), reason).forEach(r -> out.add(ResultSchema.toRow(r)));
      }
    }
    return out;
  }

  /** Every row the grid expects, each exactly once, or the sweep is not published. */
  static void checkComplete(List<RunSpec> runs, List<Row> rows) {
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

  static SweepJob.Summary summarise(
      SweepJob.Request request, List<RunSpec> runs, List<Row> rows, double seconds, String output) {
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
    return new SweepJob.Summary(
        request.sweepId(),
        request.sweepDate(),
        runs.size(),
        failedRuns.size(),
        rows.size(),
        ok,
        failed,
        unsupported,
        seconds,
        0,
        output,
        failures,
        List.copyOf(notes));
  }

  /** A run's settings as {@code optimizer=sgd, learning_rate=0.01, ...}, from the axis declarations. */
  static String settings(RunSpec run) {
    if (run.model() instanceof dev.infersweep.net.ReadModel read) {
      return read.path();
    }
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : Axes.RUN) {
      parts.add(axis.name() + "=" + axis.label(run.get(axis)));
    }
    return String.join(", ", parts);
  }
}
