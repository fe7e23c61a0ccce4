package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;

import dev.infersweep.analysis.AnswerFindings.Finding;
import dev.infersweep.analysis.AnswerFindings.Judged;
import dev.infersweep.analysis.AnswerFindings.Kind;
import dev.infersweep.result.ResultSchema;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The answer a sweep ends with on the console, in at most about ten lines: what is slower or faster
 * than its baseline beyond ±{@value #BAND_PERCENT} % (with the ratio, its interval, the cause and the
 * remedy the rows' own controls show), or that nothing is, then the report command. Rules in
 * docs/analysis.md ("The answer").
 */
public final class Answer {
  /** The threshold: a model 5 % slower (or faster) is worth a line. */
  public static final int BAND_PERCENT = 5;
  static final double BAND = BAND_PERCENT / 100.0;
  /** Findings printed before "… and N more". */
  static final int MAX_FINDINGS = 8;

  private Answer() {}

  /**
   * Reads sweep {@code sweepId} back from {@code results} (a results root or the sweep's folder) with
   * Spark SQL and returns the answer's lines. {@code results} is also what the report command names.
   */
  public static List<String> lines(SparkSession spark, String results, String sweepId) {
    List<String> wanted = new ArrayList<>(Arrays.asList(
        "model_source", "model_path", "network", "steps", "epochs", "cpu_model", "latency_ratio",
        "latency_ratio_ci_low", "latency_ratio_ci_high", "latency_ratio_log_se", "latency_ratio_df", "cause",
        "subnormal_zeroed_ratio", "subnormal_zeroed_ratio_ci_low", "subnormal_zeroed_ratio_ci_high",
        "flushed_latency_ratio", "flushed_vs_trained", "flushed_vs_trained_ci_low", "flushed_vs_trained_ci_high", "engine"));
    AxisColumns.CONFIGURATION.stream().filter(c -> !wanted.contains(c)).forEach(wanted::add);
    List<Row> rows = ResultsTable.read(spark, results)
        .where(col(ResultSchema.SWEEP_ID).equalTo(sweepId).and(col("status").equalTo("ok"))
            .and(col("protocol").equalTo("rigorous")))
        .select(wanted.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
    return of(rows, results, sweepId);
  }

  /**
   * Prints the answer with {@code prefix} on each line. Reading the rows back can fail (a folder
   * removed meanwhile); that is said in one line and the sweep's outcome stands.
   */
  public static void print(SparkSession spark, String results, String sweepId, PrintStream console, String prefix) {
    List<String> lines;
    try {
      lines = lines(spark, results, sweepId);
    } catch (RuntimeException e) {
      lines = List.of("answer: not available, the rows could not be read back from " + results + ": "
          + ResultsTable.firstLine(e), reportCommand(results, sweepId));
    }
    for (String line : lines) {
      console.println(prefix + line);
    }
    console.flush();
  }

  /** The answer of a sweep's rigorous rows with status ok (a pure function of the rows). */
  static List<String> of(List<Row> rows, String results, String sweepId) {
    Judged judged = AnswerFindings.of(rows, BAND);
    List<String> lines = new ArrayList<>();
    lines.add(header(judged, rows));
    List<Finding> findings = judged.findings();
    for (Finding f : findings.subList(0, Math.min(MAX_FINDINGS, findings.size()))) {
      lines.add("  " + f.line());
    }
    if (findings.size() > MAX_FINDINGS) {
      lines.add("  … and " + (findings.size() - MAX_FINDINGS) + " more (see the report)");
    }
    lines.add(reportCommand(results, sweepId));
    return lines;
  }

  private static String header(Judged judged, List<Row> rows) {
    boolean read = rows.stream().anyMatch(r -> AnswerRows.get(r, "model_source") != null);
    boolean trained = rows.stream().anyMatch(r -> AnswerRows.get(r, "model_source") == null);
    String units = read && !trained ? "model files × batch sizes"
        : trained && !read ? "configurations × batch sizes (each at its last checkpoint, seeds pooled)"
        : "configurations and model files × batch sizes";
    if (judged.judged() == 0) {
      return "answer: nothing to judge: no rigorous row with status ok has a latency ratio or controls (see the failures above)";
    }
    long slower = count(judged, Kind.SLOWER);
    long subnormal = count(judged, Kind.SUBNORMAL);
    long faster = count(judged, Kind.FASTER);
    String of = " of " + judged.judged() + " " + units;
    if (slower + subnormal == 0) {
      return "answer: no slowdown beyond ±" + BAND_PERCENT + " %" + of
          + (faster == 0 ? "" : "; " + faster + " faster beyond it:");
    }
    List<String> parts = new ArrayList<>();
    if (slower > 0) {
      parts.add(slower + " slower");
    }
    if (subnormal > 0) {
      parts.add(subnormal + " paying for subnormal values (faster zeroed or flushed)");
    }
    if (faster > 0) {
      parts.add(faster + " faster");
    }
    return "answer: " + String.join(", ", parts) + " beyond ±" + BAND_PERCENT + " %" + of + ":";
  }

  private static long count(Judged judged, Kind kind) {
    return judged.findings().stream().filter(f -> f.kind() == kind).count();
  }

  /** The command that writes this sweep's report. */
  public static String reportCommand(String results, String sweepId) {
    return "report: jobs/sweep report --results " + results + " --sweep " + sweepId + " --out report.html";
  }
}
