package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Everything the report shows about one sweep, as plain values computed with Spark's Column API
 * over the sweep's views ({@link ReportQueries}). {@link ReportPage} renders it.
 *
 * @param sweepId the sweep
 * @param summary its counts
 * @param verdicts the five claims' verdicts
 * @param effects the effect model's coefficients (empty when not fitted)
 * @param byFactor latency ratio against epochs, per level of each factor the sweep varies
 * @param distributions median latency quartiles per precision and checkpoint
 * @param protocols both protocols' ratio against epochs
 * @param environments where the rows were measured
 * @param causes what is slower than its baseline beyond the band, with its cause, by CPU model: trained
 *     configurations and the files of a checkpoint series
 * @param speedups what is faster than its baseline beyond the band, the same way
 * @param registry the models of a registry whose own controls show a cost of subnormal values beyond the band
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
    List<CauseRow> speedups,
    List<ModelCost> registry,
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
   * {@code causes} view; or one file of a checkpoint series and batch size whose ratio against the
   * series' baseline does.
   *
   * @param configuration every setting but the seed, as {@code name=value, ...}; or the file and batch size
   * @param checkpoint "epoch N", or "step N" for a file of a series
   * @param min the lowest run's ratio (for a series file: its 95 % interval's lower end)
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
      String cpu, String configuration, String checkpoint, long runs, double ratio, double min, double max,
      String cause, int causeRuns, String shownBy, Double flushed, Double zeroedAtExport, String shares,
      String flushUnavailable) {

    /** A row without the flush twin and shares (rows of earlier sweeps). */
    public CauseRow(
        String cpu, String configuration, String checkpoint, long runs, double ratio, double min, double max,
        String cause, int causeRuns, String shownBy) {
      this(cpu, configuration, checkpoint, runs, ratio, min, max, cause, causeRuns, shownBy, null, null, "", null);
    }

    /** "with flush-to-zero: X×; with subnormal weights zeroed at export: Y×". */
    public String remedies() {
      String flush = flushed != null ? String.format(java.util.Locale.ROOT, "%.3g×", flushed)
          : "not measured" + (flushUnavailable == null ? "" : " (" + flushUnavailable + ")");
      String zeroed = zeroedAtExport != null ? String.format(java.util.Locale.ROOT, "%.3g×", zeroedAtExport) : "not measured";
      return "with flush-to-zero: " + flush + "; with subnormal weights zeroed at export: " + zeroed;
    }
  }

  /**
   * A model of a registry (no baseline) and batch size whose own controls say it pays for subnormal
   * values: how much faster its zeroed copy and its flush twin are than the model itself.
   *
   * @param zeroed model / zeroed copy, with its 95 % interval ({@code subnormal_zeroed_ratio}); null
   *     where not timed
   * @param flushed model / flush twin (1 / {@code flushed_vs_trained}), with its interval; null where not timed
   * @param remedy what the controls show removing the cost
   */
  public record ModelCost(
      String cpu, String path, int batchSize, String cause, Double zeroed, Double zeroedLow, Double zeroedHigh,
      Double flushed, Double flushedLow, Double flushedHigh, String remedy) {}

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
    Dataset<Row> causes = spark.table("causes").where(mine);
    List<CauseRow> beyond = new java.util.ArrayList<>(ReportQueries.slowed(causes));
    List<Row> series = ReportReadModels.seriesRows(rigorous);
    beyond.addAll(ReportReadModels.series(series));
    // The remedies per engine and thread count: the trained configurations and the series' files.
    List<Row> remedyRows = new java.util.ArrayList<>(causes.collectAsList());
    remedyRows.addAll(series);
    return new ReportData(
        sweepId,
        ReportQueries.summary(all),
        verdicts,
        effects,
        ReportQueries.byFactor(rigorous),
        ReportQueries.distributions(rigorous),
        ReportQueries.protocols(spark.table("measured").where(mine)),
        ReportQueries.environments(all),
        beyond.stream().filter(ReportData::slower).toList(),
        beyond.stream().filter(r -> !slower(r)).toList(),
        ReportReadModels.registry(rigorous),
        ReportQueries.cpuNote(causes),
        Remedies.whatToDo(remedyRows),
        compare);
  }

  /** A row beyond the band belongs with the slowdowns when its ratio is at least 1, else with the speed-ups. */
  static boolean slower(CauseRow r) {
    return !(r.ratio() < 1);
  }
}
