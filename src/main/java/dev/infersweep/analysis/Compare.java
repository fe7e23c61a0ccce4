package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.col;

import dev.infersweep.spec.Axes;
import dev.infersweep.stats.Interval;
import dev.infersweep.stats.Moments;
import dev.infersweep.stats.TInterval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Night-to-night comparison of two sweeps, answering two questions separately (rules in
 * docs/analysis.md):
 *
 * <ol>
 *   <li><b>Did training's effect change?</b> Per configuration (everything but the seed), the
 *       paired {@code latency_ratio} (trained / epoch 0, measured in one process, so process-level
 *       noise cancels), candidate against baseline, replicate by replicate where both ran the same
 *       seeds. A configuration regressed when its change is significant after Holm's correction for
 *       the number of configurations tested (the family) and at least {@code ratioThreshold}.
 *   <li><b>Did everything get slower?</b> The absolute median latency, pooled over configurations
 *       into one global shift with its interval, and per configuration. Absolute latencies vary
 *       far more between processes than ratios do, so they are judged only against the night-to-night
 *       noise of at least {@value #MIN_HISTORY} earlier sweeps of the same grid on the same hardware;
 *       with fewer, the output says so and nothing is flagged.
 * </ol>
 *
 * <p>Hardware ({@code cpu_model}, {@code threads}, {@code device}) is part of the key: sweeps on
 * different hardware have no absolute comparison, and the output says so.
 */
public final class Compare {
  /** Earlier sweeps needed before the global shift of absolute latencies is judged. */
  public static final int MIN_HISTORY = 3;

  /**
   * Earlier sweeps needed before one configuration's absolute latency is judged: a configuration's
   * latency jumps between process states (heavy-tailed, not normal), and with 3 earlier sweeps one
   * of three identical smoke sweeps was flagged.
   */
  public static final int MIN_HISTORY_PER_CONFIGURATION = 8;

  /** Family-wise false-alarm rate of the ratio question, and one-sided level of the absolute one. */
  static final double ALPHA = 0.05;

  /** The configuration key: everything but the seed and the sweep identity. */
  static final List<String> KEY = key();

  /** What makes absolute latencies comparable. */
  static final List<String> HARDWARE = List.of("cpu_model", "threads", "device");

  private static List<String> key() {
    List<String> key = new ArrayList<>();
    Axes.RUN.stream().filter(a -> a != Axes.SEED).forEach(a -> key.add(a.name()));
    key.addAll(List.of("input_size", "hidden_size", "output_size", "train_samples", "data_seed"));
    // Only rigorous rows are compared, so the protocol is not part of the key.
    Axes.CELL.stream().filter(a -> a != Axes.PROTOCOL).forEach(a -> key.add(a.name()));
    return List.copyOf(key);
  }

  /**
   * One configuration's paired-ratio change.
   *
   * @param change candidate ratio / baseline ratio (geometric means over replicates)
   * @param pValue two-sided, before correction
   * @param adjustedP Holm-adjusted over the family
   * @param regression significant after correction, slower, and at least the threshold
   */
  public record RatioChange(
      String configuration,
      double change,
      double ciLow,
      double ciHigh,
      double pValue,
      double adjustedP,
      int baselineReplicates,
      int candidateReplicates,
      boolean regression) {}

  /**
   * One configuration's absolute change against its history.
   *
   * @param change candidate / baseline median latency
   * @param limit the largest change the history's noise explains (one-sided 99 % prediction bound)
   */
  public record AbsoluteChange(String configuration, double change, double limit, boolean regression) {}

  /**
   * The pooled absolute change of all configurations.
   *
   * @param change geometric mean over configurations of candidate / baseline median latency
   * @param ciLow 95 % interval over configurations (how uniform the shift is, not process noise)
   * @param limit the largest shift the history's night-to-night noise explains; NaN without history
   * @param note why it was not judged, or null
   */
  public record Shift(double change, double ciLow, double ciHigh, int configurations, double limit, boolean regression, String note) {}

  /**
   * The whole comparison.
   *
   * @param family configurations tested for a ratio change (the size of the Holm family)
   * @param historySweeps earlier sweeps of the candidate's grid on its hardware, baseline included
   * @param hardwareNote set when the two sweeps ran on different hardware
   */
  public record Result(
      String baseline,
      String candidate,
      double ratioThreshold,
      double absoluteThreshold,
      List<RatioChange> ratios,
      int family,
      Shift shift,
      List<AbsoluteChange> absolutes,
      int historySweeps,
      String hardwareNote,
      int unmatched) {

    /** Configurations whose ratio regressed, plus the global shift and absolute changes flagged. */
    public long regressions() {
      return ratios.stream().filter(RatioChange::regression).count()
          + (shift.regression() ? 1 : 0)
          + absolutes.stream().filter(AbsoluteChange::regression).count();
    }
  }

  private Compare() {}

  /** One rigorous row, reduced to what compare needs. */
  private record Obs(String sweep, String configuration, String hardware, long seed, int epochs, double logRatio, double ratioSe, double logP50) {}

  /**
   * Compares {@code candidate} with {@code baseline} over the registered views.
   *
   * @param ratioThreshold smallest change of the paired ratio that counts (0.02 = 2 %)
   * @param absoluteThreshold smallest absolute change that counts (0.05 = 5 %)
   */
  public static Result run(
      SparkSession spark, String baseline, String candidate, double ratioThreshold, double absoluteThreshold) {
    List<Row> order = Sweeps.ordered(spark);
    String grid = null;
    for (Row r : order) {
      if (r.<String>getAs("sweep_id").equals(candidate)) {
        grid = r.getAs("grid_name");
      }
    }
    List<Obs> all = observations(spark, order, grid, candidate, baseline);
    Map<String, List<Obs>> bySweep = new LinkedHashMap<>();
    for (Obs o : all) {
      bySweep.computeIfAbsent(o.sweep(), k -> new ArrayList<>()).add(o);
    }
    List<Obs> base = bySweep.getOrDefault(baseline, List.of());
    List<Obs> cand = baseline.equals(candidate) ? base : bySweep.getOrDefault(candidate, List.of());

    Set<String> baseHardware = hardware(base);
    Set<String> candHardware = hardware(cand);
    String hardwareNote =
        baseHardware.equals(candHardware)
            ? null
            : "the sweeps ran on different hardware (baseline " + baseHardware + ", candidate " + candHardware
                + "): absolute latencies are not compared";

    // 1. Did training's effect change? Paired ratios, past epoch 0 (epoch 0 is the model itself).
    Map<String, Map<Long, double[]>> baseRatios = ratios(base);
    Map<String, Map<Long, double[]>> candRatios = ratios(cand);
    List<RatioChange> changes = new ArrayList<>();
    int unmatched = 0;
    for (Map.Entry<String, Map<Long, double[]>> e : candRatios.entrySet()) {
      Map<Long, double[]> b = baseRatios.get(e.getKey());
      if (b == null) {
        unmatched++;
        continue;
      }
      changes.add(ratioChange(e.getKey(), b, e.getValue()));
    }
    unmatched += (int) baseRatios.keySet().stream().filter(k -> !candRatios.containsKey(k)).count();
    changes = holm(changes, ratioThreshold);
    changes.sort(Comparator.comparingDouble(RatioChange::adjustedP).thenComparing(RatioChange::configuration));

    // 2. Did everything get slower? Absolute medians against the history of this grid and hardware.
    List<String> history = new ArrayList<>();
    for (Row r : order) {
      String id = r.getAs("sweep_id");
      if (id.equals(candidate)) {
        break;
      }
      if (r.<String>getAs("grid_name").equals(grid) && hardware(bySweep.getOrDefault(id, List.of())).equals(candHardware)) {
        history.add(id);
      }
    }
    Map<String, Double> baseP50 = medians(base);
    Map<String, Double> candP50 = medians(cand);
    List<String> common = candP50.keySet().stream().filter(baseP50::containsKey).toList();
    double[] diffs = common.stream().mapToDouble(k -> candP50.get(k) - baseP50.get(k)).toArray();
    double meanShift = Moments.mean(diffs);
    // How uniform the shift is over configurations (not how noisy nights are).
    Interval spread =
        diffs.length < 2 ? new Interval(meanShift, Double.NaN, Double.NaN) : TInterval.mean(diffs, 0.95);
    List<AbsoluteChange> absolutes = new ArrayList<>();
    double limit = Double.NaN;
    boolean flagged = false;
    String note = null;
    if (hardwareNote != null || baseline.equals(candidate)) {
      note = hardwareNote != null ? hardwareNote : "a sweep compared with itself";
    } else if (history.size() < MIN_HISTORY) {
      note =
          "not judged: " + history.size() + " earlier sweep(s) of grid " + grid + " on this hardware, "
              + MIN_HISTORY + " needed to learn the night-to-night noise of absolute latencies";
    } else {
      // Each history sweep's mean log median over the common configurations, then a one-sided
      // prediction bound for the next sweep: the shift the history's noise explains.
      List<Map<String, Double>> past = new ArrayList<>();
      for (String id : history) {
        past.add(medians(bySweep.get(id)));
      }
      double[] levels = past.stream().mapToDouble(m -> common.stream().filter(m::containsKey).mapToDouble(m::get).average().orElse(Double.NaN)).toArray();
      double baseLevel = common.stream().mapToDouble(baseP50::get).average().orElse(Double.NaN);
      limit = shiftLimit(levels, baseLevel);
      flagged = meanShift > Math.max(Math.log1p(absoluteThreshold), limit);
      // Per configuration, its own deviation from the sweep's level (so a global shift is not counted
      // once per configuration), against the same deviation's history.
      double candLevel = common.stream().mapToDouble(candP50::get).average().orElse(Double.NaN);
      for (String k : common) {
        List<Double> relative = new ArrayList<>();
        for (int i = 0; i < past.size(); i++) {
          Double v = past.get(i).get(k);
          if (v != null) {
            relative.add(v - levels[i]);
          }
        }
        if (relative.size() < MIN_HISTORY_PER_CONFIGURATION) {
          continue;
        }
        double own = candP50.get(k) - candLevel;
        double before = baseP50.get(k) - baseLevel;
        double bound =
            predictionBound(relative.stream().mapToDouble(Double::doubleValue).toArray(), ALPHA / Math.max(1, common.size()));
        boolean regression = own > bound && own - before > Math.log1p(absoluteThreshold);
        absolutes.add(
            new AbsoluteChange(k, Math.exp(candP50.get(k) - baseP50.get(k)), Math.exp(bound - before + meanShift), regression));
      }
      absolutes.sort(Comparator.comparingDouble(AbsoluteChange::change).reversed());
    }
    Shift shift =
        new Shift(Math.exp(meanShift), Math.exp(spread.low()), Math.exp(spread.high()), common.size(), Math.exp(limit), flagged, note);
    return new Result(baseline, candidate, ratioThreshold, absoluteThreshold, changes, changes.size(), shift,
        absolutes, history.size(), hardwareNote, unmatched);
  }

  private static List<Obs> observations(SparkSession spark, List<Row> order, String grid, String candidate, String baseline) {
    List<String> sweeps = new ArrayList<>();
    for (Row r : order) {
      String id = r.getAs("sweep_id");
      if (id.equals(candidate) || id.equals(baseline) || r.<String>getAs("grid_name").equals(grid)) {
        sweeps.add(id);
      }
    }
    List<Column> parts = new ArrayList<>();
    for (String k : KEY) {
      parts.add(functions.concat(functions.lit(k + "="), col(k).cast("string")));
    }
    List<Column> hw = new ArrayList<>();
    for (String k : HARDWARE) {
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
                functions.log(col("latency_ratio")).as("log_ratio"),
                functions.log(col("latency_ratio_ci_high")).minus(functions.log(col("latency_ratio_ci_low"))).divide(2 * 1.96).as("ratio_se"),
                functions.log(col("latency_p50_ns")).as("log_p50"))
            .collectAsList()) {
      Double se = r.getAs("ratio_se");
      out.add(new Obs(r.getAs("sweep_id"), r.getAs("configuration"), r.getAs("hardware"), r.<Long>getAs("seed"),
          r.<Integer>getAs("epochs"), r.<Double>getAs("log_ratio"), se == null ? 0 : se, r.<Double>getAs("log_p50")));
    }
    return out;
  }

  private static Set<String> hardware(List<Obs> rows) {
    Set<String> h = new LinkedHashSet<>();
    rows.forEach(o -> h.add(o.hardware()));
    return h;
  }

  /** configuration → seed → (log ratio, its standard error), past epoch 0. */
  private static Map<String, Map<Long, double[]>> ratios(List<Obs> rows) {
    Map<String, Map<Long, double[]>> out = new LinkedHashMap<>();
    for (Obs o : rows) {
      if (o.epochs() > 0) {
        out.computeIfAbsent(o.configuration(), k -> new LinkedHashMap<>()).put(o.seed(), new double[] {o.logRatio(), o.ratioSe()});
      }
    }
    return out;
  }

  /** configuration → mean log median latency over its replicates (every epoch). */
  private static Map<String, Double> medians(List<Obs> rows) {
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (Obs o : rows) {
      values.computeIfAbsent(o.configuration(), k -> new ArrayList<>()).add(o.logP50());
    }
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
    return out;
  }

  /**
   * The change of one configuration's mean log ratio. Its standard error is the larger of the
   * replicates' spread and the rows' own timing intervals, so that neither two lucky seeds nor one
   * tight interval makes a change look certain.
   */
  static RatioChange ratioChange(String configuration, Map<Long, double[]> base, Map<Long, double[]> cand) {
    boolean paired = base.keySet().equals(cand.keySet()) && base.size() >= 2;
    double[] b = base.values().stream().mapToDouble(v -> v[0]).toArray();
    double[] c = cand.values().stream().mapToDouble(v -> v[0]).toArray();
    double timingVar =
        base.values().stream().mapToDouble(v -> v[1] * v[1]).sum() / ((double) b.length * b.length)
            + cand.values().stream().mapToDouble(v -> v[1] * v[1]).sum() / ((double) c.length * c.length);
    double diff;
    double spreadVar;
    int df;
    if (paired) {
      double[] d = cand.keySet().stream().mapToDouble(k -> cand.get(k)[0] - base.get(k)[0]).toArray();
      diff = Moments.mean(d);
      spreadVar = Math.pow(Moments.sd(d), 2) / d.length;
      df = d.length - 1;
    } else {
      diff = Moments.mean(c) - Moments.mean(b);
      spreadVar = Math.pow(Moments.sd(b), 2) / b.length + Math.pow(Moments.sd(c), 2) / c.length;
      df = Math.max(1, b.length + c.length - 2);
    }
    double se = Math.sqrt(Math.max(spreadVar, timingVar));
    boolean spreadRules = spreadVar >= timingVar && df >= 1 && (b.length > 1 || c.length > 1);
    double p;
    double q;
    if (se == 0) {
      p = diff == 0 ? 1 : 0;
      q = 0;
    } else if (spreadRules) {
      TDistribution t = new TDistribution(df);
      p = 2 * (1 - t.cumulativeProbability(Math.abs(diff / se)));
      q = t.inverseCumulativeProbability(0.975);
    } else {
      NormalDistribution n = new NormalDistribution();
      p = 2 * (1 - n.cumulativeProbability(Math.abs(diff / se)));
      q = 1.959963984540054;
    }
    return new RatioChange(configuration, Math.exp(diff), Math.exp(diff - q * se), Math.exp(diff + q * se), p, p,
        base.size(), cand.size(), false);
  }

  /** Holm's step-down adjustment; a regression is significant, slower, and at least the threshold. */
  static List<RatioChange> holm(List<RatioChange> changes, double threshold) {
    int m = changes.size();
    List<RatioChange> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparingDouble(RatioChange::pValue));
    List<RatioChange> out = new ArrayList<>();
    double running = 0;
    for (int i = 0; i < m; i++) {
      RatioChange c = sorted.get(i);
      running = Math.max(running, Math.min(1, (m - i) * c.pValue()));
      boolean regression = running < ALPHA && c.change() >= 1 + threshold;
      out.add(new RatioChange(c.configuration(), c.change(), c.ciLow(), c.ciHigh(), c.pValue(), running,
          c.baselineReplicates(), c.candidateReplicates(), regression));
    }
    return out;
  }

  /**
   * The largest log shift from {@code baseLevel} that the night-to-night noise of the history's
   * sweep levels (mean log median latency, baseline last) explains: a one-sided 99 % prediction
   * bound for the next level, so that an unchanged system is flagged on about 1 night in 100.
   */
  static double shiftLimit(double[] historyLevels, double baseLevel) {
    return predictionBound(historyLevels, 0.01) - baseLevel;
  }

  /** A one-sided prediction bound, exceeded with probability {@code alpha}, for the next value of a series. */
  private static double predictionBound(double[] values, double alpha) {
    int n = values.length;
    double t = new TDistribution(Math.max(1, n - 1)).inverseCumulativeProbability(1 - alpha);
    return Moments.mean(values) + t * Moments.sd(values) * Math.sqrt(1 + 1.0 / n);
  }

  /** A plain-text summary: the family, regressions first, the global shift, absolute changes. */
  public static String table(Result r, int limit) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "compare: candidate %s against baseline %s%n", r.candidate(), r.baseline()));
    out.append(String.format(Locale.ROOT,
        "1. training's effect (paired latency_ratio, per configuration): family of %d configurations,"
            + " Holm-corrected at %.0f %%, threshold %.1f %%%n",
        r.family(), 100 * ALPHA, 100 * r.ratioThreshold()));
    out.append(String.format(Locale.ROOT, "%-9s %-8s %-8s %-8s %-9s %-5s  %s%n", "verdict", "change", "ci_low", "ci_high", "adj_p", "n", "configuration"));
    int shown = 0;
    for (RatioChange c : r.ratios()) {
      if (shown++ >= limit) {
        break;
      }
      out.append(String.format(Locale.ROOT, "%-9s %-8.4f %-8.4f %-8.4f %-9.3g %d/%-3d  %s%n",
          c.regression() ? "REGRESSED" : "ok", c.change(), c.ciLow(), c.ciHigh(), c.adjustedP(),
          c.baselineReplicates(), c.candidateReplicates(), c.configuration()));
    }
    Shift s = r.shift();
    out.append(String.format(Locale.ROOT,
        "2. absolute latency: global shift %.4f (95 %% CI over %d configurations %.4f to %.4f)%s%n",
        s.change(), s.configurations(), s.ciLow(), s.ciHigh(),
        s.note() != null ? "; " + s.note()
            : String.format(Locale.ROOT, "; history of %d sweeps explains up to %.4f: %s", r.historySweeps(), s.limit(),
                s.regression() ? "REGRESSED (everything got slower)" : "ok")));
    if (r.absolutes().isEmpty()) {
      out.append(String.format(Locale.ROOT,
          "   per-configuration absolute changes: not judged (%d earlier sweep(s) of this grid on this hardware, %d needed)%n",
          r.historySweeps(), MIN_HISTORY_PER_CONFIGURATION));
    }
    for (AbsoluteChange a : r.absolutes()) {
      if (a.regression()) {
        out.append(String.format(Locale.ROOT, "REGRESSED absolute %.4f (history explains up to %.4f)  %s%n", a.change(), a.limit(), a.configuration()));
      }
    }
    out.append(String.format(Locale.ROOT,
        "compare: %d configurations matched, %d regressed in their ratio, global shift %s, %d absolute regressions, %d unmatched%n",
        r.ratios().size(), r.ratios().stream().filter(RatioChange::regression).count(),
        s.regression() ? "REGRESSED" : "ok", r.absolutes().stream().filter(AbsoluteChange::regression).count(), r.unmatched()));
    return out.toString();
  }
}
