package dev.infersweep.analysis;

import dev.infersweep.analysis.CompareRows.Obs;
import dev.infersweep.spec.Axes;
import dev.infersweep.stats.Interval;
import dev.infersweep.stats.Moments;
import dev.infersweep.stats.TInterval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
    key.addAll(List.of("network", "input_size", "hidden_size", "output_size", "train_samples", "data_seed", "data_kind",
        "data_fresh", "data_table", "train_batch_size", "momentum"));
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
   * @param improvement significant after correction, faster, and at least the threshold
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
      boolean regression,
      boolean improvement) {}

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

  /**
   * Compares {@code candidate} with {@code baseline} over the registered views.
   *
   * @param ratioThreshold smallest change of the paired ratio that counts (0.02 = 2 %)
   * @param absoluteThreshold smallest absolute change that counts (0.05 = 5 %)
   */
  public static Result run(
      SparkSession spark, String baseline, String candidate, double ratioThreshold, double absoluteThreshold) {
    CompareRows rows = CompareRows.read(spark, baseline, candidate);
    List<Obs> base = rows.of(baseline);
    List<Obs> cand = rows.of(candidate);
    Set<String> baseHardware = CompareRows.hardware(base);
    Set<String> candHardware = CompareRows.hardware(cand);
    String hardwareNote =
        baseHardware.equals(candHardware)
            ? null
            : "the sweeps ran on different hardware (baseline " + baseHardware + ", candidate " + candHardware
                + "): absolute latencies are not compared";
    // 1. Did training's effect change? Paired ratios, past epoch 0.
    RatioQuestion.Answer ratios =
        RatioQuestion.of(CompareRows.ratios(base), CompareRows.ratios(cand), ratioThreshold);
    // 2. Did everything get slower? Absolute medians against the history of this grid and hardware.
    List<String> history = history(rows, candidate, candHardware);
    String note = hardwareNote != null ? hardwareNote : baseline.equals(candidate) ? "a sweep compared with itself" : null;
    if (note == null && history.size() < MIN_HISTORY) {
      note =
          "not judged: " + history.size() + " earlier sweep(s) of grid " + rows.grid + " on this hardware, "
              + MIN_HISTORY + " needed to learn the night-to-night noise of absolute latencies";
    }
    Absolutes absolutes =
        absolutes(CompareRows.medians(base), CompareRows.medians(cand), note == null ? past(rows, history) : null, absoluteThreshold);
    Shift shift = absolutes.shift(note);
    return new Result(baseline, candidate, ratioThreshold, absoluteThreshold, ratios.changes(), ratios.changes().size(),
        shift, absolutes.changes(), history.size(), hardwareNote, ratios.unmatched());
  }

  /** Earlier sweeps of the candidate's grid on its hardware, in time order (the baseline among them). */
  private static List<String> history(CompareRows rows, String candidate, Set<String> hardware) {
    List<String> history = new ArrayList<>();
    for (Row r : rows.order) {
      String id = r.getAs("sweep_id");
      if (id.equals(candidate)) {
        break;
      }
      if (r.<String>getAs("grid_name").equals(rows.grid) && CompareRows.hardware(rows.of(id)).equals(hardware)) {
        history.add(id);
      }
    }
    return history;
  }

  private static List<Map<String, Double>> past(CompareRows rows, List<String> history) {
    return history.stream().map(id -> CompareRows.medians(rows.of(id))).toList();
  }

  /** The absolute question's figures: the mean log shift, its spread, the history's bound. */
  private record Absolutes(double meanShift, Interval spread, int configurations, double limit, boolean flagged, List<AbsoluteChange> changes) {
    Shift shift(String note) {
      return new Shift(Math.exp(meanShift), Math.exp(spread.low()), Math.exp(spread.high()), configurations,
          Math.exp(limit), flagged, note);
    }
  }

  /**
   * The global shift of the log medians and, with a history ({@code past}, the earlier sweeps'
   * medians; null when not judged), whether it and each configuration's own deviation exceed what
   * the history's noise explains.
   */
  private static Absolutes absolutes(
      Map<String, Double> baseP50, Map<String, Double> candP50, List<Map<String, Double>> past, double threshold) {
    List<String> common = candP50.keySet().stream().filter(baseP50::containsKey).toList();
    double[] diffs = common.stream().mapToDouble(k -> candP50.get(k) - baseP50.get(k)).toArray();
    double meanShift = Moments.mean(diffs);
    // How uniform the shift is over configurations (not how noisy nights are).
    Interval spread = diffs.length < 2 ? new Interval(meanShift, Double.NaN, Double.NaN) : TInterval.mean(diffs, 0.95);
    if (past == null) {
      return new Absolutes(meanShift, spread, common.size(), Double.NaN, false, List.of());
    }
    // Each history sweep's mean log median over the common configurations, then a one-sided
    // prediction bound for the next sweep: the shift the history's noise explains.
    double[] levels = past.stream().mapToDouble(m -> level(m, common)).toArray();
    double baseLevel = level(baseP50, common);
    double limit = shiftLimit(levels, baseLevel);
    boolean flagged = meanShift > Math.max(Math.log1p(threshold), limit);
    // Per configuration, its own deviation from the sweep's level (so a global shift is not counted
    // once per configuration), against the same deviation's history.
    double candLevel = level(candP50, common);
    List<AbsoluteChange> changes = new ArrayList<>();
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
      double bound = predictionBound(relative.stream().mapToDouble(Double::doubleValue).toArray(), ALPHA / Math.max(1, common.size()));
      boolean regression = own > bound && own - before > Math.log1p(threshold);
      changes.add(new AbsoluteChange(k, Math.exp(candP50.get(k) - baseP50.get(k)), Math.exp(bound - before + meanShift), regression));
    }
    changes.sort(Comparator.comparingDouble(AbsoluteChange::change).reversed());
    return new Absolutes(meanShift, spread, common.size(), limit, flagged, changes);
  }

  /** A sweep's level: its mean log median over the configurations in {@code common} it has. */
  private static double level(Map<String, Double> medians, List<String> common) {
    return common.stream().filter(medians::containsKey).mapToDouble(medians::get).average().orElse(Double.NaN);
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

  /**
   * The comparison as text: the regressions, improvements and what was not judged, then one summary
   * line; with {@code all}, every configuration (at most {@code limit}) as well.
   */
  public static String table(Result r, int limit, boolean all) {
    return all ? CompareTable.full(r, limit) : CompareTable.changes(r, limit);
  }
}
