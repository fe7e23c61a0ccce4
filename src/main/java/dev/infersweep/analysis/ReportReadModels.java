package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;

import dev.infersweep.analysis.ReportData.CauseRow;
import dev.infersweep.analysis.ReportData.ModelCost;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's rows of models read from files rather than trained: a checkpoint series' files beyond
 * the band against the series' baseline (beside the trained configurations), and a registry's models
 * whose own controls show a cost of subnormal values.
 */
final class ReportReadModels {
  private ReportReadModels() {}

  /** A series' files and batch sizes whose ratio's interval lies beyond the band (cause not none; {@link #seriesRows}). */
  static List<CauseRow> series(List<Row> seriesRows) {
    return seriesRows
        .stream()
        .map(r -> new CauseRow(
            r.getAs("cpu_model") == null ? "?" : r.getAs("cpu_model"),
            r.getAs("model_path") + ", batch_size=" + r.getAs("batch_size"),
            "step " + r.getAs("steps"),
            1,
            ReportQueries.nan(r.getAs("latency_ratio")),
            ReportQueries.nan(r.getAs("latency_ratio_ci_low")),
            ReportQueries.nan(r.getAs("latency_ratio_ci_high")),
            r.getAs("cause"),
            1,
            shownBy(r),
            r.getAs("flushed_latency_ratio"),
            Remedies.zeroedAtExport(r),
            Remedies.shares(r),
            r.getAs("flush_unavailable")))
        .toList();
  }

  /** The rigorous rows of a series' files beyond the band, by path, steps and batch size. */
  static List<Row> seriesRows(Dataset<Row> rigorous) {
    return rigorous
        .where(col("model_source").equalTo("checkpoints").and(col("cause").isNotNull()).and(col("cause").notEqual("none"))
            .and(col("latency_ratio").isNotNull()))
        .orderBy("model_path", "steps", "batch_size")
        .collectAsList();
  }

  /** A registry's models and batch sizes whose cause (from their own controls, band ±2 %) is not none, by path. */
  static List<ModelCost> registry(Dataset<Row> rigorous) {
    return rigorous
        .where(col("model_source").equalTo("files").and(col("cause").isNotNull()).and(col("cause").notEqual("none")))
        .orderBy("model_path", "batch_size")
        .collectAsList()
        .stream()
        .map(ReportReadModels::cost)
        .toList();
  }

  private static ModelCost cost(Row r) {
    Double fvt = r.getAs("flushed_vs_trained");
    Double fvtLow = r.getAs("flushed_vs_trained_ci_low");
    Double fvtHigh = r.getAs("flushed_vs_trained_ci_high");
    String cause = r.getAs("cause");
    String remedy = switch (cause) {
      case "subnormal_weights" -> "zero its subnormal weights: jobs/sweep repair (or flush-to-zero on every serving thread)";
      case "subnormal_arithmetic" -> "flush-to-zero on every serving thread";
      case "subnormal_mixed" -> "flush-to-zero on every serving thread (removes both); jobs/sweep repair removes the weights' part";
      default -> "none yet: its A/A copy differs beyond the band, so placement may explain the controls; measure again";
    };
    return new ModelCost(
        r.getAs("cpu_model") == null ? "?" : r.getAs("cpu_model"), r.getAs("model_path"), r.<Integer>getAs("batch_size"), cause,
        r.getAs("subnormal_zeroed_ratio"), r.getAs("subnormal_zeroed_ratio_ci_low"), r.getAs("subnormal_zeroed_ratio_ci_high"),
        fvt == null ? null : 1 / fvt, fvtHigh == null ? null : 1 / fvtHigh, fvtLow == null ? null : 1 / fvtLow, remedy);
  }

  /** The control that shows a series file's cause, with its ratio (as the causes view words it). */
  private static String shownBy(Row r) {
    return switch (String.valueOf((Object) r.getAs("cause"))) {
      case "subnormal_weights" -> "zeroing the subnormal weights: subnormal_zeroed_ratio " + f(r.getAs("subnormal_zeroed_ratio"));
      case "subnormal_arithmetic", "subnormal_mixed" -> "zeroing: subnormal_zeroed_ratio " + f(r.getAs("subnormal_zeroed_ratio"))
          + ", flush-to-zero: flushed_latency_ratio " + f(r.getAs("flushed_latency_ratio"));
      case "placement" -> "the A/A copies: aa_ratio " + f(r.getAs("aa_ratio")) + ", aa_latency_ratio " + f(r.getAs("aa_latency_ratio"));
      default -> "no control restores the speed";
    };
  }

  private static String f(Double v) {
    return v == null ? "?" : String.format(Locale.ROOT, "%.3f", v);
  }
}
