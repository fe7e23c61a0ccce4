package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;

import dev.infersweep.stats.StudentT;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What {@link Compare} reads: the sweeps in time order, and the rigorous rows of the baseline, the
 * candidate and every sweep of the candidate's grid, reduced to what compare needs, by sweep.
 */
final class CompareRows {
  /**
   * A row's log latency ratio with its standard error and the degrees of freedom behind it.
   *
   * @param df infinite where unknown (the error is then treated as normal)
   */
  record Replicate(double logRatio, double se, double df) {
    /**
     * From the row's columns. Rows written before {@code latency_ratio_log_se} and
     * {@code latency_ratio_df} existed have them null: their standard error is backed out of the
     * interval's ends with the normal quantile, as compare did before. For a t interval with few
     * degrees of freedom that overstates it by t / z, so such rows are judged more cautiously; a row
     * without an interval counts as without timing error.
     */
    static Replicate of(double ratio, Double logSe, Double df, Double ciLow, Double ciHigh) {
      if (logSe != null && df != null) {
        return new Replicate(Math.log(ratio), logSe, df);
      }
      double se = ciLow == null || ciHigh == null ? 0 : Math.log(ciHigh / ciLow) / (2 * StudentT.Z95);
      return new Replicate(Math.log(ratio), se, Double.POSITIVE_INFINITY);
    }
  }

  /** One rigorous row. */
  record Obs(String sweep, String configuration, String hardware, long seed, int epochs, Replicate ratio, double logP50) {}

  /** Sweep ids in time order, with their grid names. */
  final List<Row> order;

  /** The candidate's grid. */
  final String grid;

  private final Map<String, List<Obs>> bySweep = new LinkedHashMap<>();

  private CompareRows(List<Row> order, String grid, List<Obs> rows) {
    this.order = order;
    this.grid = grid;
    rows.forEach(o -> bySweep.computeIfAbsent(o.sweep(), k -> new ArrayList<>()).add(o));
  }

  static CompareRows read(SparkSession spark, String baseline, String candidate) {
    List<Row> order = Sweeps.ordered(spark);
    String grid = null;
    for (Row r : order) {
      if (r.<String>getAs("sweep_id").equals(candidate)) {
        grid = r.getAs("grid_name");
      }
    }
    List<String> sweeps = new ArrayList<>();
    for (Row r : order) {
      String id = r.getAs("sweep_id");
      if (id.equals(candidate) || id.equals(baseline) || r.<String>getAs("grid_name").equals(grid)) {
        sweeps.add(id);
      }
    }
    return new CompareRows(order, grid, observations(spark, sweeps));
  }

  /** The rows of one sweep (none when it has no rigorous row). */
  List<Obs> of(String sweep) {
    return bySweep.getOrDefault(sweep, List.of());
  }

  private static List<Obs> observations(SparkSession spark, List<String> sweeps) {
    List<Column> parts = new ArrayList<>();
    for (String k : Compare.KEY) {
      parts.add(functions.concat(functions.lit(k + "="), col(k).cast("string")));
    }
    List<Column> hw = new ArrayList<>();
    for (String k : Compare.HARDWARE) {
      hw.add(functions.concat(functions.lit(k + "="), functions.coalesce(col(k).cast("string"), functions.lit("?"))));
    }
    List<Obs> out = new ArrayList<>();
    for (Row r :
        spark.table("rigorous")
            .where(col("sweep_id").isin(sweeps.toArray()))
            .select(
                col("sweep_id"),
                functions.concat_ws(" ", parts.toArray(Column[]::new)).as("configuration"),
                functions.concat_ws(" ", hw.toArray(Column[]::new)).as("hardware"),
                col("seed"),
                col("epochs"),
                col("latency_ratio"),
                col("latency_ratio_log_se"),
                col("latency_ratio_df"),
                col("latency_ratio_ci_low"),
                col("latency_ratio_ci_high"),
                functions.log(col("latency_p50_ns")).as("log_p50"))
            .collectAsList()) {
      Replicate ratio =
          Replicate.of(r.<Double>getAs("latency_ratio"), r.getAs("latency_ratio_log_se"), r.getAs("latency_ratio_df"),
              r.getAs("latency_ratio_ci_low"), r.getAs("latency_ratio_ci_high"));
      out.add(new Obs(r.getAs("sweep_id"), r.getAs("configuration"), r.getAs("hardware"), r.<Long>getAs("seed"),
          r.<Integer>getAs("epochs"), ratio, r.<Double>getAs("log_p50")));
    }
    return out;
  }

  static Set<String> hardware(List<Obs> rows) {
    Set<String> h = new LinkedHashSet<>();
    rows.forEach(o -> h.add(o.hardware()));
    return h;
  }

  /** configuration → seed → its log ratio, past epoch 0 (at epoch 0 the model is its own reference). */
  static Map<String, Map<Long, Replicate>> ratios(List<Obs> rows) {
    Map<String, Map<Long, Replicate>> out = new LinkedHashMap<>();
    for (Obs o : rows) {
      if (o.epochs() > 0) {
        out.computeIfAbsent(o.configuration(), k -> new LinkedHashMap<>()).put(o.seed(), o.ratio());
      }
    }
    return out;
  }

  /** configuration → mean log median latency over its replicates (every epoch). */
  static Map<String, Double> medians(List<Obs> rows) {
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (Obs o : rows) {
      values.computeIfAbsent(o.configuration(), k -> new ArrayList<>()).add(o.logP50());
    }
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
    return out;
  }
}
