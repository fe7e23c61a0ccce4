package dev.infersweep.analysis;

import dev.infersweep.stats.StudentT;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reading the published rows for {@link Answer}: fields by name (a field a row lacks reads as null,
 * so hand-made rows need only the columns they use), and a ratio pooled over a configuration's runs.
 */
final class AnswerRows {
  private AnswerRows() {}

  /** The value of column {@code name}, or null when the row lacks the column or holds null. */
  @SuppressWarnings("unchecked")
  static <T> T get(Row r, String name) {
    int i;
    try {
      i = r.fieldIndex(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return r.isNullAt(i) ? null : (T) r.get(i);
  }

  static Double number(Row r, String name) {
    Number n = get(r, name);
    return n == null ? null : n.doubleValue();
  }

  static String text(Row r, String name) {
    Object v = get(r, name);
    return v == null ? null : String.valueOf(v);
  }

  /**
   * A ratio with its 95 % interval.
   *
   * @param runs how many runs it pools
   */
  record Ratio(double ratio, double ciLow, double ciHigh, int runs) {
    boolean above(double band) {
      return ciLow > 1 + band;
    }

    boolean below(double band) {
      return ciHigh < 1 - band;
    }

    /** The same cost seen from the other side (flushed / model read as model / flushed). */
    Ratio inverse() {
      return new Ratio(1 / ratio, 1 / ciHigh, 1 / ciLow, runs);
    }
  }

  /** The ratio of one row's column {@code name} with {@code name_ci_low/high}; null without all three. */
  static Ratio of(Row r, String name) {
    Double ratio = number(r, name);
    Double low = number(r, name + "_ci_low");
    Double high = number(r, name + "_ci_high");
    return ratio == null || low == null || high == null ? null : new Ratio(ratio, low, high, 1);
  }

  /**
   * The latency ratio of one configuration's runs: the geometric mean, with a 95 % interval whose
   * half-width is the larger of the runs' spread (t over runs − 1 degrees of freedom) and the rows'
   * own timing errors (as compare does), so neither two lucky seeds nor one tight row makes it look
   * certain. One run keeps its own interval.
   */
  static Ratio pooled(List<Row> runs) {
    if (runs.size() == 1) {
      return of(runs.get(0), "latency_ratio");
    }
    int n = runs.size();
    double[] logs = new double[n];
    double[] variances = new double[n];
    double[] dfs = new double[n];
    for (int i = 0; i < n; i++) {
      Row r = runs.get(i);
      logs[i] = Math.log(number(r, "latency_ratio"));
      Double se = number(r, "latency_ratio_log_se");
      if (se == null) {
        // Rows written before the column: backed out of the interval with the normal quantile.
        se = (Math.log(number(r, "latency_ratio_ci_high")) - Math.log(number(r, "latency_ratio_ci_low"))) / (2 * StudentT.Z95);
      }
      variances[i] = se * se / ((double) n * n);
      Double df = number(r, "latency_ratio_df");
      dfs[i] = df == null ? Double.POSITIVE_INFINITY : df;
    }
    double mean = 0;
    for (double x : logs) {
      mean += x / n;
    }
    double squares = 0;
    double timing = 0;
    for (int i = 0; i < n; i++) {
      squares += (logs[i] - mean) * (logs[i] - mean);
      timing += variances[i];
    }
    double spreadHalf = StudentT.quantile(0.95, n - 1) * Math.sqrt(squares / (n - 1) / n);
    double timingHalf = StudentT.quantile(0.95, StudentT.satterthwaite(variances, dfs)) * Math.sqrt(timing);
    double half = Math.max(spreadHalf, timingHalf);
    return new Ratio(Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half), n);
  }
}
