package dev.infersweep.analysis;

import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.stats.Bootstrap;
import dev.infersweep.stats.TInterval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One verdict per claim of the seed article, from the {@code trials} view of one sweep. Every
 * estimate is a latency factor with a 95 % t interval over training runs (the independent
 * units: rows of one run share its training). The rules are in docs/analysis.md:
 *
 * <ul>
 *   <li>a claim that an effect exists in a direction is <b>supported</b> when its whole interval lies
 *       beyond ±{@value #BAND_PERCENT} % in that direction, <b>refuted</b> when the whole interval
 *       lies inside ±{@value #BAND_PERCENT} % (no effect worth the name) or beyond it in the opposite
 *       direction, and <b>inconclusive</b> otherwise;
 *   <li>claim 5 (the article's protocol measures what it claims) is supported when the typical
 *       factor between its ratio and the rigorous one is within {@value #BAND_PERCENT} % over the whole
 *       interval, refuted when the whole interval is beyond it.
 * </ul>
 */
public final class Verdicts {
  static final int BAND_PERCENT = 2;

  /** Fewest independent units (runs, or pairs of runs) below which a claim is inconclusive. */
  static final int MIN_RUNS = 3;
  private static final double BAND = BAND_PERCENT / 100.0;
  private static final double CONFIDENCE = 0.95;

  /** The article's five claims, in order. */
  static final List<String> CLAIMS =
      List.of(
          "inference latency grows as the network trains",
          "activation scaling amplifies the slowdown",
          "weight decay mitigates the slowdown",
          "small weights (numerical precision effects) slow inference",
          "the article's protocol measures what it claims");

  private Verdicts() {}

  /** The five verdicts for {@code sweepId} (the {@code trials} view must be registered). */
  public static List<Verdict> of(SparkSession spark, String sweepId) {
    Map<String, Object> sweep = Map.of("sweep", sweepId);
    Row last = spark.sql("SELECT max(epochs) AS last_epoch FROM measured WHERE sweep_id = :sweep", sweep).first();
    List<Verdict> verdicts = new ArrayList<>();
    if (last.isNullAt(0)) {
      for (int claim = 1; claim <= 5; claim++) {
        verdicts.add(missing(claim, "the sweep has no measured rows"));
      }
      return verdicts;
    }
    int lastEpoch = last.<Integer>getAs("last_epoch");
    // Per run: mean log latency ratio at the last checkpoint (rigorous), with its run-level factors.
    List<Column> settings = new ArrayList<>();
    for (Axis<?> axis : Axes.RUN) {
      settings.add(functions.first(axis.name()).as(axis.name()));
    }
    List<Row> perRun =
        spark
            .table("rigorous")
            .where(functions.col("sweep_id").equalTo(sweepId).and(functions.col("epochs").equalTo(lastEpoch)))
            .groupBy("run_id")
            .agg(functions.avg(functions.ln(functions.col("latency_ratio"))).as("log_ratio"), settings.toArray(Column[]::new))
            .collectAsList();
    verdicts.add(growsWithEpochs(perRun, lastEpoch));
    verdicts.add(byFactor(2, perRun, CLAIMS.get(1), Axes.ACTIVATION_SCALE, +1));
    verdicts.add(byFactor(3, perRun, CLAIMS.get(2), Axes.WEIGHT_DECAY, -1));
    verdicts.add(subnormals(spark, sweep));
    verdicts.add(protocol(spark, sweep));
    return verdicts;
  }

  private static Verdict growsWithEpochs(List<Row> perRun, int lastEpoch) {
    String statement = CLAIMS.get(0);
    String measure = "latency at epoch " + lastEpoch + " / latency at epoch 0 (rigorous, geometric mean over runs)";
    double[] logs = perRun.stream().mapToDouble(r -> r.<Double>getAs("log_ratio")).toArray();
    if (lastEpoch == 0 || logs.length < MIN_RUNS) {
      return inconclusive(1, statement, measure, logs,
          lastEpoch == 0 ? "the grid has no checkpoint past epoch 0" : "needs at least " + MIN_RUNS + " training runs");
    }
    Verdict pooled = directional(1, statement, measure, TInterval.mean(logs, CONFIDENCE), logs.length, +1);
    // Per configuration (every run-level setting but the seed), over its seeds.
    Map<String, List<Double>> groups = new LinkedHashMap<>();
    for (Row r : perRun) {
      groups.computeIfAbsent(settingsBut(r, Axes.SEED), k -> new ArrayList<>()).add(r.<Double>getAs("log_ratio"));
    }
    List<String> slower = new ArrayList<>();
    int judged = 0;
    for (Map.Entry<String, List<Double>> g : groups.entrySet()) {
      if (g.getValue().size() < MIN_RUNS) {
        continue;
      }
      judged++;
      Bootstrap.Interval i = TInterval.mean(g.getValue().stream().mapToDouble(Double::doubleValue).toArray(), CONFIDENCE);
      if (Math.exp(i.low()) > 1 + BAND) {
        slower.add(String.format(Locale.ROOT, "%s (%.3f, CI %.3f to %.3f)", g.getKey(), Math.exp(i.estimate()), Math.exp(i.low()), Math.exp(i.high())));
      }
    }
    String perConfiguration =
        judged == 0
            ? "; no configuration has " + MIN_RUNS + " seeds to be judged on its own"
            : "; supported in " + slower.size() + " of " + judged + " configurations" + (slower.isEmpty() ? "" : ": " + String.join("; ", slower));
    // A slowdown in one configuration is not cancelled by fifteen without: the claim holds there.
    String verdict = slower.isEmpty() ? pooled.verdict() : Verdict.SUPPORTED;
    return new Verdict(1, statement, measure, pooled.estimate(), pooled.ciLow(), pooled.ciHigh(), pooled.units(),
        verdict, "pooled: " + pooled.reason() + perConfiguration);
  }

  /**
   * Claims 2 and 3: the ratio at the last checkpoint with the factor at its highest value against its
   * lowest, paired by seed and every other setting (the same initial weights), over the pairs.
   */
  private static Verdict byFactor(int claim, List<Row> perRun, String statement, Axis<Double> axis, int direction) {
    String factor = axis.name();
    Map<String, Map<Double, Double>> pairs = new LinkedHashMap<>();
    TreeSet<Double> levels = new TreeSet<>();
    for (Row r : perRun) {
      double level = r.<Double>getAs(factor);
      levels.add(level);
      // Partners: the same seed and every other setting, so the same initial weights.
      pairs.computeIfAbsent(settingsBut(r, axis), k -> new LinkedHashMap<>()).put(level, r.<Double>getAs("log_ratio"));
    }
    double low = levels.isEmpty() ? Double.NaN : levels.first();
    double high = levels.isEmpty() ? Double.NaN : levels.last();
    String measure =
        "slowdown ratio with " + factor + " = " + high + " / with " + factor + " = " + low
            + " (last checkpoint, rigorous, paired by seed)";
    if (levels.size() < 2) {
      return inconclusive(claim, statement, measure, new double[0], "the sweep does not vary " + factor);
    }
    double[] d = pairs.values().stream()
        .filter(m -> m.containsKey(high) && m.containsKey(low))
        .mapToDouble(m -> m.get(high) - m.get(low))
        .toArray();
    if (d.length < MIN_RUNS) {
      return inconclusive(claim, statement, measure, d,
          "needs at least " + MIN_RUNS + " pairs of runs (same seed and settings) differing only in " + factor);
    }
    return directional(claim, statement, measure, TInterval.mean(d, CONFIDENCE), d.length, direction);
  }

  /** A run's run-level settings as {@code name=value, ...}, leaving {@code except} out. */
  private static String settingsBut(Row run, Axis<?> except) {
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : Axes.RUN) {
      if (axis != except) {
        parts.add(axis.name() + "=" + run.getAs(axis.name()));
      }
    }
    return String.join(", ", parts);
  }

  private static Verdict subnormals(SparkSession spark, Map<String, Object> sweep) {
    String statement = CLAIMS.get(3);
    String measure = "latency / latency with subnormal weights zeroed, over rows whose weights hold subnormals";
    double[] logs =
        spark
            .sql(
                "SELECT avg(ln(subnormal_zeroed_ratio)) AS log_ratio FROM rigorous"
                    + " WHERE sweep_id = :sweep AND weight_subnormal_fraction > 0 GROUP BY run_id",
                sweep)
            .collectAsList()
            .stream()
            .mapToDouble(r -> r.<Double>getAs("log_ratio"))
            .toArray();
    if (logs.length < MIN_RUNS) {
      return inconclusive(4, statement, measure, logs,
          logs.length == 0
              ? "no run of this sweep had subnormal weights (try conf/subnormal.yaml)"
              : "needs at least " + MIN_RUNS + " runs with subnormal weights");
    }
    return directional(4, statement, measure, TInterval.mean(logs, CONFIDENCE), logs.length, +1);
  }

  private static Verdict protocol(SparkSession spark, Map<String, Object> sweep) {
    String statement = CLAIMS.get(4);
    String measure = "typical factor between the article-protocol ratio and the rigorous ratio, exp(mean |log(seed / rigorous)|), past epoch 0";
    double[] logs =
        spark
            .sql(
                "SELECT avg(abs(ln(s.latency_ratio) - ln(r.latency_ratio))) AS log_ratio FROM"
                    + " (SELECT * FROM article WHERE sweep_id = :sweep AND epochs > 0) s JOIN"
                    + " (SELECT * FROM rigorous WHERE sweep_id = :sweep AND epochs > 0) r"
                    + " USING (run_id, epochs, precision, batch_size) GROUP BY run_id",
                sweep)
            .collectAsList()
            .stream()
            .mapToDouble(r -> r.<Double>getAs("log_ratio"))
            .toArray();
    if (logs.length < MIN_RUNS) {
      return inconclusive(5, statement, measure, logs,
          logs.length == 0
              ? "the sweep has no article-protocol rows past epoch 0 (add protocol: [rigorous, seed])"
              : "needs at least " + MIN_RUNS + " training runs");
    }
    Bootstrap.Interval i = TInterval.mean(logs, CONFIDENCE);
    double est = Math.exp(i.estimate());
    double lo = Math.exp(i.low());
    double hi = Math.exp(i.high());
    String verdict;
    String reason;
    if (hi <= 1 + BAND) {
      verdict = Verdict.SUPPORTED;
      reason = "its ratios agree with the rigorous ones within " + BAND_PERCENT + " % over the whole interval";
    } else if (lo > 1 + BAND) {
      verdict = Verdict.REFUTED;
      reason = String.format("its ratios are off by a factor of %.2f (CI %.2f to %.2f) from the rigorous ones", est, lo, hi);
    } else {
      verdict = Verdict.INCONCLUSIVE;
      reason = "the interval straddles the " + BAND_PERCENT + " % band";
    }
    return new Verdict(5, statement, measure, est, lo, hi, logs.length, verdict, reason);
  }

  /** Applies the directional rule to an interval of mean log factors. */
  static Verdict directional(
      int claim, String statement, String measure, Bootstrap.Interval logInterval, int units, int direction) {
    double est = Math.exp(logInterval.estimate());
    double lo = Math.exp(logInterval.low());
    double hi = Math.exp(logInterval.high());
    String verdict;
    String reason;
    boolean inBand = lo >= 1 - BAND && hi <= 1 + BAND;
    boolean beyondClaimed = direction > 0 ? lo > 1 + BAND : hi < 1 - BAND;
    boolean beyondOpposite = direction > 0 ? hi < 1 - BAND : lo > 1 + BAND;
    String interval = String.format("95 %% CI %.3f to %.3f", lo, hi);
    if (beyondClaimed) {
      verdict = Verdict.SUPPORTED;
      reason = interval + " lies beyond " + (direction > 0 ? "+" : "−") + BAND_PERCENT + " % in the claimed direction";
    } else if (inBand) {
      verdict = Verdict.REFUTED;
      reason = interval + " lies inside ±" + BAND_PERCENT + " %: no effect worth the name";
    } else if (beyondOpposite) {
      verdict = Verdict.REFUTED;
      reason = interval + " lies beyond " + BAND_PERCENT + " % in the opposite direction";
    } else {
      verdict = Verdict.INCONCLUSIVE;
      reason = interval + " straddles the ±" + BAND_PERCENT + " % band";
    }
    return new Verdict(claim, statement, measure, est, lo, hi, units, verdict, reason);
  }

  private static Verdict inconclusive(int claim, String statement, String measure, double[] logs, String reason) {
    double est = logs.length == 0 ? Double.NaN : Math.exp(java.util.Arrays.stream(logs).average().orElse(Double.NaN));
    return new Verdict(claim, statement, measure, est, Double.NaN, Double.NaN, logs.length, Verdict.INCONCLUSIVE, reason);
  }

  private static Verdict missing(int claim, String reason) {
    return new Verdict(claim, CLAIMS.get(claim - 1), "", Double.NaN, Double.NaN, Double.NaN, 0, Verdict.INCONCLUSIVE, reason);
  }
}
