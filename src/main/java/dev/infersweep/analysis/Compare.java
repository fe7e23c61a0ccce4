package dev.infersweep.analysis;

import dev.infersweep.spec.Axes;
import dev.infersweep.stats.Bootstrap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Night-to-night comparison of two sweeps. Configurations are matched on everything but the seed
 * replicate and the sweep's identity; for each, the candidate's median latency is compared with the
 * baseline's across replicates (normalised by each task's calibration when both sweeps have one):
 * replicate by replicate when both sweeps ran the same seeds (the same trained weights), else as two
 * independent groups.
 * A configuration is a regression only when the whole 95 % interval of candidate / baseline lies
 * above {@code 1 + threshold}.
 */
public final class Compare {
  /** The key columns: a configuration is everything but the seed and the sweep identity. */
  static final List<String> KEY = key();

  private static List<String> key() {
    List<String> key = new ArrayList<>();
    Axes.RUN.stream().filter(a -> a != Axes.SEED).forEach(a -> key.add(a.name()));
    key.addAll(List.of("input_size", "hidden_size", "output_size", "train_samples", "data_seed", "device"));
    // Only rigorous rows are compared, so the protocol is not part of the key.
    Axes.CELL.stream().filter(a -> a != Axes.PROTOCOL).forEach(a -> key.add(a.name()));
    return List.copyOf(key);
  }

  /** One matched configuration. */
  public record Comparison(
      String configuration,
      double ratio,
      double ciLow,
      double ciHigh,
      int baselineReplicates,
      int candidateReplicates,
      boolean regression) {}

  /** The whole comparison. */
  public record Result(
      String baseline,
      String candidate,
      double threshold,
      boolean normalised,
      List<Comparison> comparisons,
      int unmatched) {
    public long regressions() {
      return comparisons.stream().filter(Comparison::regression).count();
    }
  }

  private Compare() {}

  /** Compares two sweeps of the {@code trials} view. */
  public static Result run(SparkSession spark, String baseline, String candidate, double threshold) {
    List<Column> parts = new ArrayList<>();
    for (String k : KEY) {
      parts.add(functions.concat(functions.lit(k + "="), functions.col(k).cast("string")));
    }
    List<Row> all =
        spark
            .table("rigorous")
            .where(functions.col("sweep_id").isin(baseline, candidate))
            .select(
                functions.col("sweep_id"),
                functions.concat_ws(" ", parts.toArray(Column[]::new)).as("configuration"),
                functions.col("latency_p50_ns").as("p50"),
                functions.col("calibration_ns_start").as("calibration"),
                functions.col("seed"))
            .collectAsList();
    // Calibration-normalise only when every row of both sweeps has a calibration figure.
    boolean normalised =
        !all.isEmpty() && all.stream().noneMatch(r -> r.getAs("calibration") == null || r.<Long>getAs("calibration") <= 0);
    // configuration → seed → log latency: replicates are identified by their seed.
    Map<String, Map<Long, Double>> base = new LinkedHashMap<>();
    Map<String, Map<Long, Double>> cand = new LinkedHashMap<>();
    for (Row r : all) {
      double p50 = r.<Double>getAs("p50");
      double value = Math.log(normalised ? p50 / r.<Long>getAs("calibration") : p50);
      (r.<String>getAs("sweep_id").equals(baseline) ? base : cand)
          .computeIfAbsent(r.getAs("configuration"), k -> new LinkedHashMap<>())
          .put(r.<Long>getAs("seed"), value);
    }
    // Comparing a sweep with itself is allowed (a sanity check): both sides are the same rows.
    Map<String, Map<Long, Double>> candidates = baseline.equals(candidate) ? base : cand;
    List<Comparison> comparisons = new ArrayList<>();
    int unmatched = 0;
    long seed = 7;
    for (Map.Entry<String, Map<Long, Double>> e : candidates.entrySet()) {
      Map<Long, Double> b = base.get(e.getKey());
      if (b == null) {
        unmatched++;
        continue;
      }
      Map<Long, Double> c = e.getValue();
      Bootstrap.Interval i;
      if (c.keySet().equals(b.keySet())) {
        // The same seeds: the same trained weights, so compare replicate by replicate (paired).
        double[] diffs = c.keySet().stream().mapToDouble(k -> c.get(k) - b.get(k)).toArray();
        i = Bootstrap.mean(diffs, 0.95, seed++);
      } else {
        double[] cc = c.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] bb = b.values().stream().mapToDouble(Double::doubleValue).toArray();
        i = Bootstrap.meanDifference(cc, bb, 0.95, seed++);
      }
      double lo = Math.exp(i.low());
      comparisons.add(
          new Comparison(e.getKey(), Math.exp(i.estimate()), lo, Math.exp(i.high()), b.size(), c.size(), lo > 1 + threshold));
    }
    unmatched += (int) base.keySet().stream().filter(k -> !candidates.containsKey(k)).count();
    comparisons.sort(Comparator.comparingDouble(Comparison::ratio).reversed());
    return new Result(baseline, candidate, threshold, normalised, comparisons, unmatched);
  }

  /** A plain-text table: regressions first, then the largest ratios, at most {@code limit} rows. */
  public static String table(Result r, int limit) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(
        "compare: candidate %s against baseline %s, threshold %.1f %%, %s%n",
        r.candidate(), r.baseline(), 100 * r.threshold(),
        r.normalised() ? "calibration-normalised" : "raw latencies (a sweep lacks calibration)"));
    out.append(String.format("%-9s %-8s %-8s %-8s %-5s  %s%n", "verdict", "ratio", "ci_low", "ci_high", "n", "configuration"));
    int shown = 0;
    for (Comparison c : r.comparisons()) {
      if (shown++ >= limit) {
        break;
      }
      out.append(String.format(
          "%-9s %-8.4f %-8.4f %-8.4f %d/%-3d  %s%n",
          c.regression() ? "REGRESSED" : "ok", c.ratio(), c.ciLow(), c.ciHigh(),
          c.baselineReplicates(), c.candidateReplicates(), c.configuration()));
    }
    out.append(String.format(
        "compare: %d configurations matched, %d regressed, %d unmatched%n",
        r.comparisons().size(), r.regressions(), r.unmatched()));
    return out.toString();
  }
}
