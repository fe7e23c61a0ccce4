package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.ln;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Everything the report shows about one sweep, as plain values computed with Spark's Column API
 * over the {@code measured} and {@code rigorous} views. {@link ReportPage} renders it.
 *
 * @param sweepId the sweep
 * @param summary its counts
 * @param verdicts the five claims' verdicts
 * @param effects the effect model's coefficients (empty when not fitted)
 * @param byFactor latency ratio against epochs, per level of each factor the sweep varies
 * @param distributions median latency quartiles per precision and checkpoint
 * @param protocols both protocols' ratio against epochs
 * @param environments where the rows were measured
 * @param causes the configurations whose slowdown is beyond the band, with their cause, by CPU model
 * @param cpuNote what the sweep's CPU models say together (one model, or where they disagree)
 * @param whatToDo the remedies this sweep's own rows show, one sentence each (empty: none shown)
 * @param compare a night-to-night comparison, or null
 */
public record ReportData(
    String sweepId,
    Summary summary,
    List<Verdict> verdicts,
    List<EffectModel.Effect> effects,
    Map<String, List<RatioPoint>> byFactor,
    List<Distribution> distributions,
    List<RatioPoint> protocols,
    List<EnvironmentRow> environments,
    List<CauseRow> causes,
    String cpuNote,
    List<String> whatToDo,
    Compare.Result compare) {

  /**
   * A sweep's counts.
   *
   * @param runs distinct training runs
   */
  public record Summary(
      String gridName, String sweepDate, long rows, long ok, long failed, long unsupported, long runs) {}

  /**
   * A latency ratio at one checkpoint, for one level of a factor (or one protocol).
   *
   * @param level the factor's value, or the protocol
   * @param ratio geometric mean of the rows' ratios
   * @param low the lower end of the band drawn (mean interval, or the range over rows)
   * @param high its upper end
   */
  public record RatioPoint(String level, int epochs, double ratio, double low, double high) {}

  /**
   * Quartiles of the rows' median latencies.
   *
   * @param cell precision and checkpoint
   * @param quartilesNanos minimum, lower quartile, median, upper quartile, maximum
   */
  public record Distribution(String cell, List<Double> quartilesNanos) {}

  /** One combination of software and hardware the rows were measured on. */
  public record EnvironmentRow(
      String cpu, String gpu, String djl, String pytorch, String spark, String java, long executors, long hosts, long rows) {}

  /**
   * One configuration and checkpoint whose runs' latency ratios lie beyond the band, from the
   * {@code causes} view.
   *
   * @param configuration every setting but the seed, as {@code name=value, ...}
   * @param ratio geometric mean of the runs' ratios
   * @param causeRuns runs (of {@code runs}) whose cause is {@code cause}
   * @param shownBy the control that shows the cause, with its ratio
   * @param flushed the slowdown with flush-to-zero on (geometric mean over runs), or null where it
   *     could not be had
   * @param zeroedAtExport the slowdown with the subnormal weights zeroed (the zeroed copy against
   *     epoch 0: {@code ratio} / the zeroed control), or null
   * @param shares what each control explains, e.g. "subnormal weights 62 %, subnormal arithmetic 38 %"
   * @param flushUnavailable why the flush twin was not timed, or null
   */
  public record CauseRow(
      String cpu, String configuration, int epochs, long runs, double ratio, double min, double max,
      String cause, int causeRuns, String shownBy, Double flushed, Double zeroedAtExport, String shares,
      String flushUnavailable) {

    /** A row without the flush twin and shares (rows of earlier sweeps). */
    public CauseRow(
        String cpu, String configuration, int epochs, long runs, double ratio, double min, double max,
        String cause, int causeRuns, String shownBy) {
      this(cpu, configuration, epochs, runs, ratio, min, max, cause, causeRuns, shownBy, null, null, "", null);
    }

    /** "with flush-to-zero: X×; with subnormal weights zeroed at export: Y×". */
    public String remedies() {
      String flush = flushed != null ? String.format(java.util.Locale.ROOT, "%.3g×", flushed)
          : "not measured" + (flushUnavailable == null ? "" : " (" + flushUnavailable + ")");
      String zeroed = zeroedAtExport != null ? String.format(java.util.Locale.ROOT, "%.3g×", zeroedAtExport) : "not measured";
      return "with flush-to-zero: " + flush + "; with subnormal weights zeroed at export: " + zeroed;
    }
  }

  /** Factors the report draws a chart for, when the sweep varies them: every axis but these. */
  private static final List<Axis<?>> NOT_FACTORS = List.of(Axes.SEED, Axes.EPOCHS, Axes.PROTOCOL);

  /** Collects the data of {@code sweepId} (the views of {@link Views} must be registered). */
  public static ReportData collect(
      SparkSession spark,
      String sweepId,
      List<Verdict> verdicts,
      List<EffectModel.Effect> effects,
      Compare.Result compare) {
    Column mine = col("sweep_id").equalTo(sweepId);
    Dataset<Row> all = spark.table("trials").where(mine);
    Dataset<Row> rigorous = spark.table("rigorous").where(mine);
    Dataset<Row> measured = spark.table("measured").where(mine);

    Row s =
        all.agg(
                first("grid_name", true).as("grid_name"),
                first("sweep_date", true).as("sweep_date"),
                count(lit(1)).as("rows"),
                count(when(col("status").equalTo("ok"), 1)).as("ok"),
                count(when(col("status").equalTo("failed"), 1)).as("failed"),
                count(when(col("status").equalTo("unsupported"), 1)).as("unsupported"),
                count_distinct(col("run_id")).as("runs"))
            .first();
    Summary summary =
        new Summary(
            s.getAs("grid_name"), s.getAs("sweep_date"), s.<Long>getAs("rows"), s.<Long>getAs("ok"),
            s.<Long>getAs("failed"), s.<Long>getAs("unsupported"), s.<Long>getAs("runs"));

    Map<String, List<RatioPoint>> byFactor = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      if (NOT_FACTORS.contains(axis)) {
        continue;
      }
      List<RatioPoint> points = ratios(rigorous, col(axis.name()).cast("string"));
      if (points.stream().map(RatioPoint::level).distinct().count() > 1) {
        byFactor.put(axis.name(), points);
      }
    }
    if (byFactor.isEmpty()) {
      // Nothing varies: still show the ratio against epochs.
      byFactor.put("all runs", ratios(rigorous, lit("all")));
    }

    List<Distribution> distributions =
        rigorous
            .groupBy(col("precision"), col("epochs"))
            .agg(expr("percentile(latency_p50_ns, array(0.0, 0.25, 0.5, 0.75, 1.0))").as("q"))
            .orderBy("precision", "epochs")
            .collectAsList()
            .stream()
            .map(r -> new Distribution(r.getAs("precision") + " · epoch " + r.getAs("epochs"), r.getList(r.fieldIndex("q"))))
            .toList();

    List<RatioPoint> protocols =
        measured
            .groupBy(col("protocol").as("level"), col("epochs"))
            .agg(
                exp(avg(ln(col("latency_ratio")))).as("ratio"),
                min("latency_ratio").as("low"),
                max("latency_ratio").as("high"))
            .orderBy("level", "epochs")
            .collectAsList()
            .stream()
            .map(ReportData::point)
            .toList();

    List<EnvironmentRow> environments =
        all.groupBy(
                coalesce(col("cpu_model"), lit("?")).as("cpu"),
                coalesce(col("gpu_name"), lit("-")).as("gpu"),
                coalesce(col("djl_version"), lit("?")).as("djl"),
                coalesce(col("pytorch_version"), lit("?")).as("pytorch"),
                coalesce(col("spark_version"), lit("?")).as("spark"),
                coalesce(col("java_version"), lit("?")).as("java"))
            .agg(
                count_distinct(col("executor_id")).as("executors"),
                count_distinct(col("host")).as("hosts"),
                count(lit(1)).as("rows"))
            .collectAsList()
            .stream()
            .map(r -> new EnvironmentRow(
                r.getAs("cpu"), r.getAs("gpu"), r.getAs("djl"), r.getAs("pytorch"), r.getAs("spark"), r.getAs("java"),
                r.<Long>getAs("executors"), r.<Long>getAs("hosts"), r.<Long>getAs("rows")))
            .toList();

    List<CauseRow> causes =
        spark.table("causes").where(mine.and(col("beyond_band_runs").gt(0)))
            .orderBy("cpu_model", "optimizer", "learning_rate", "weight_decay", "activation_scale", "precision", "batch_size", "epochs")
            .collectAsList()
            .stream()
            .map(r -> new CauseRow(
                r.getAs("cpu_model"),
                Verdicts.configuration(r),
                r.<Integer>getAs("epochs"),
                r.<Long>getAs("runs"),
                nan(r.getAs("latency_ratio")),
                nan(r.getAs("latency_ratio_min")),
                nan(r.getAs("latency_ratio_max")),
                r.getAs("cause"),
                r.<Integer>getAs("cause_runs"),
                r.getAs("shown_by"),
                r.getAs("flushed_latency_ratio"),
                Remedies.zeroedAtExport(r),
                Remedies.shares(r),
                r.getAs("flush_unavailable")))
            .toList();

    return new ReportData(
        sweepId, summary, verdicts, effects, byFactor, distributions, protocols, environments, causes,
        cpuNote(spark.table("causes").where(mine)), Remedies.whatToDo(spark.table("causes").where(mine).collectAsList()), compare);
  }

  /**
   * One sentence on the CPU models: the one the sweep ran on, or, for several, the configurations
   * whose cause differs between them (the answer to the article's question depends on the CPU).
   */
  static String cpuNote(Dataset<Row> causes) {
    List<Row> rows = causes.select("cpu_model", "optimizer", "learning_rate", "weight_decay", "activation_scale",
            "precision", "batch_size", "epochs", "cause").collectAsList();
    TreeSet<String> cpus = new TreeSet<>();
    Map<String, Map<String, String>> byConfiguration = new TreeMap<>();
    for (Row r : rows) {
      String cpu = r.getAs("cpu_model");
      cpus.add(cpu);
      byConfiguration.computeIfAbsent(Verdicts.configuration(r) + ", epochs=" + r.getAs("epochs"), k -> new TreeMap<>())
          .put(cpu, r.getAs("cause"));
    }
    if (cpus.size() <= 1) {
      return cpus.isEmpty() ? "No rigorous rows past epoch 0." : "All rows ran on one CPU model: " + cpus.first() + ".";
    }
    List<String> disagreements = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> e : byConfiguration.entrySet()) {
      if (e.getValue().size() > 1 && new TreeSet<>(e.getValue().values()).size() > 1) {
        disagreements.add(e.getKey() + " (" + e.getValue() + ")");
      }
    }
    return "This sweep spans " + cpus.size() + " CPU models (" + String.join("; ", cpus) + "). "
        + (disagreements.isEmpty()
            ? "They agree on every configuration measured on more than one of them."
            : "They disagree on " + disagreements.size() + " configuration(s), so the answer depends on the CPU: "
                + String.join("; ", disagreements.subList(0, Math.min(20, disagreements.size())))
                + (disagreements.size() > 20 ? "; …" : "") + ".");
  }

  /** Geometric-mean ratio and mean interval per (level, epochs). */
  private static List<RatioPoint> ratios(Dataset<Row> rigorous, Column level) {
    return rigorous
        .groupBy(level.as("level"), col("epochs"))
        .agg(
            exp(avg(ln(col("latency_ratio")))).as("ratio"),
            exp(avg(ln(col("latency_ratio_ci_low")))).as("low"),
            exp(avg(ln(col("latency_ratio_ci_high")))).as("high"))
        .orderBy("level", "epochs")
        .collectAsList()
        .stream()
        .map(ReportData::point)
        .toList();
  }

  private static RatioPoint point(Row r) {
    return new RatioPoint(
        r.getAs("level"),
        r.<Integer>getAs("epochs"),
        nan(r.getAs("ratio")),
        nan(r.getAs("low")),
        nan(r.getAs("high")));
  }

  private static double nan(Double value) {
    return value == null ? Double.NaN : value;
  }
}
