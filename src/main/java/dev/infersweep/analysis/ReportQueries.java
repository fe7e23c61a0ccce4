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

import dev.infersweep.analysis.ReportData.CauseRow;
import dev.infersweep.analysis.ReportData.Distribution;
import dev.infersweep.analysis.ReportData.EnvironmentRow;
import dev.infersweep.analysis.ReportData.RatioPoint;
import dev.infersweep.analysis.ReportData.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's queries, one per part of {@link ReportData}, each over one sweep's rows of a view
 * (Spark's Column API), each answer read by column name into plain values.
 */
final class ReportQueries {
  private ReportQueries() {}

  /** The sweep's counts, over its {@code trials} rows. */
  static Summary summary(Dataset<Row> all) {
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
    return new Summary(
        s.getAs("grid_name"), s.getAs("sweep_date"), s.<Long>getAs("rows"), s.<Long>getAs("ok"),
        s.<Long>getAs("failed"), s.<Long>getAs("unsupported"), s.<Long>getAs("runs"));
  }

  /** The ratio against epochs per level of each factor the sweep varies ("all runs" when none). */
  static Map<String, List<RatioPoint>> byFactor(Dataset<Row> rigorous) {
    Map<String, List<RatioPoint>> byFactor = new LinkedHashMap<>();
    for (String factor : AxisColumns.CONFIGURATION) {
      List<RatioPoint> points = ratios(rigorous, col(factor).cast("string"));
      if (points.stream().map(RatioPoint::level).distinct().count() > 1) {
        byFactor.put(factor, points);
      }
    }
    if (byFactor.isEmpty()) {
      // Nothing varies: still show the ratio against epochs.
      byFactor.put("all runs", ratios(rigorous, lit("all")));
    }
    return byFactor;
  }

  /** Median latency quartiles per precision and checkpoint. */
  static List<Distribution> distributions(Dataset<Row> rigorous) {
    return rigorous
        .groupBy(col("precision"), col("epochs"))
        .agg(expr("percentile(latency_p50_ns, array(0.0, 0.25, 0.5, 0.75, 1.0))").as("q"))
        .orderBy("precision", "epochs")
        .collectAsList()
        .stream()
        .map(r -> new Distribution(r.getAs("precision") + " · epoch " + r.getAs("epochs"), r.getList(r.fieldIndex("q"))))
        .toList();
  }

  /** Both protocols' ratio against epochs, with the range over rows. */
  static List<RatioPoint> protocols(Dataset<Row> measured) {
    return measured
        .groupBy(col("protocol").as("level"), col("epochs"))
        .agg(
            exp(avg(ln(col("latency_ratio")))).as("ratio"),
            min("latency_ratio").as("low"),
            max("latency_ratio").as("high"))
        .orderBy("level", "epochs")
        .collectAsList()
        .stream()
        .map(ReportQueries::point)
        .toList();
  }

  /** The combinations of software and hardware the rows were measured on. */
  static List<EnvironmentRow> environments(Dataset<Row> all) {
    return all.groupBy(
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
  }

  /** The {@code causes} rows with a run beyond the band (slower or faster), by CPU model, configuration and checkpoint. */
  static List<CauseRow> slowed(Dataset<Row> causes) {
    return causes.where(col("beyond_band_runs").gt(0))
        .orderBy(configurationColumns())
        .collectAsList()
        .stream()
        .map(r -> new CauseRow(
            r.getAs("cpu_model"),
            Verdicts.configuration(r),
            "epoch " + r.<Integer>getAs("epochs"),
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
  }

  /**
   * One sentence on the CPU models: the one the sweep ran on, or, for several, the configurations
   * whose cause differs between them (the answer to the article's question depends on the CPU).
   */
  static String cpuNote(Dataset<Row> causes) {
    List<Row> rows = causes.select(configurationColumns("cause")).collectAsList();
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

  /** The CPU model, the configuration's axes and epochs, then {@code more}. */
  private static Column[] configurationColumns(String... more) {
    List<String> names = new ArrayList<>(List.of("cpu_model"));
    names.addAll(AxisColumns.CONFIGURATION);
    names.add("epochs");
    names.addAll(List.of(more));
    return names.stream().map(n -> col(n)).toArray(Column[]::new);
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
        .map(ReportQueries::point)
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

  static double nan(Double value) {
    return value == null ? Double.NaN : value;
  }
}
