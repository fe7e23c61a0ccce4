package dev.infersweep.analysis;

import static dev.infersweep.analysis.VerdictRules.BAND_PERCENT;
import static dev.infersweep.analysis.VerdictRules.CONFIDENCE;
import static dev.infersweep.analysis.VerdictRules.MIN_RUNS;
import static dev.infersweep.analysis.VerdictRules.directional;
import static dev.infersweep.analysis.VerdictRules.directionalVerdict;
import static dev.infersweep.analysis.VerdictRules.inconclusive;
import static dev.infersweep.analysis.VerdictRules.perConfiguration;
import static dev.infersweep.analysis.VerdictRules.pooled;
import static dev.infersweep.analysis.VerdictRules.protocolVerdict;
import static dev.infersweep.analysis.VerdictRules.summary;
import static dev.infersweep.analysis.VerdictRules.withConfigurations;

import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.stats.Interval;
import dev.infersweep.stats.TInterval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One verdict per claim of the seed article, from the {@code rigorous} and {@code article} views of
 * one sweep, pooled and per configuration. Every estimate is a latency factor with a 95 % t interval
 * over training runs (the independent units: rows of one run share its training), or over pairs of
 * runs with the same seed for claims 2 and 3. The rules are in docs/analysis.md:
 *
 * <ul>
 *   <li>a claim that an effect exists in a direction is <b>supported</b> when its whole interval lies
 *       beyond ±{@value VerdictRules#BAND_PERCENT} % in that direction, <b>refuted</b> when the whole interval
 *       lies inside ±{@value VerdictRules#BAND_PERCENT} % (no effect worth the name) or beyond it in the opposite
 *       direction, and <b>inconclusive</b> otherwise;
 *   <li>claim 5 (the article's protocol measures what it claims) is supported when the typical
 *       factor between its ratio and the rigorous one is within {@value VerdictRules#BAND_PERCENT} % over the whole
 *       interval, refuted when the whole interval is beyond it;
 *   <li>each rule is applied to the pooled units and to each configuration (every setting but the
 *       seed, batch size and precision included) with at least {@value VerdictRules#MIN_RUNS} units; fewer
 *       units make a verdict inconclusive;
 *   <li>claim 1 reads supported when any configuration supports it: a slowdown in one
 *       configuration is not cancelled by fifteen without.
 * </ul>
 *
 * <p>This class gathers each claim's units from the views; {@link VerdictRules} judges them.
 */
public final class Verdicts {
  /** The article's five claims, in order. */
  static final List<String> CLAIMS =
      List.of(
          "inference latency grows as the network trains",
          "activation scaling amplifies the slowdown",
          "weight decay mitigates the slowdown",
          "small weights (numerical precision effects) slow inference",
          "the article's protocol measures what it claims");

  private Verdicts() {}

  /** The five verdicts for {@code sweepId} (the views of {@link Views} must be registered). */
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
    List<Column> columns = new ArrayList<>();
    columns.add(functions.col("run_id"));
    List<String> names = new ArrayList<>(AxisColumns.RUN);
    names.addAll(AxisColumns.CELL_CONFIGURATION);
    names.addAll(List.of("cause", "weight_subnormal_fraction"));
    names.forEach(n -> columns.add(functions.col(n)));
    columns.add(functions.ln(functions.col("latency_ratio")).as("log_ratio"));
    columns.add(functions.ln(functions.col("subnormal_zeroed_ratio")).as("log_zeroed"));
    List<Row> rows =
        spark
            .table("rigorous")
            .where(functions.col("sweep_id").equalTo(sweepId).and(functions.col("epochs").equalTo(lastEpoch)))
            .select(columns.toArray(Column[]::new))
            .collectAsList();
    verdicts.add(growsWithEpochs(rows, lastEpoch));
    verdicts.add(byFactor(2, rows, Axes.ACTIVATION_SCALE, +1));
    verdicts.add(byFactor(3, rows, Axes.WEIGHT_DECAY, -1));
    verdicts.add(subnormals(rows));
    verdicts.add(protocol(spark, sweep));
    return verdicts;
  }

  private static Verdict growsWithEpochs(List<Row> rows, int lastEpoch) {
    String statement = CLAIMS.get(0);
    String measure = "latency at epoch " + lastEpoch + " / latency at epoch 0 (rigorous, geometric mean over runs)";
    List<VerdictRules.Unit> units = rows.stream().map(r -> new VerdictRules.Unit(configuration(r), r.getAs("run_id"), r.<Double>getAs("log_ratio"))).toList();
    double[] logs = pooled(units);
    if (lastEpoch == 0 || logs.length < MIN_RUNS) {
      return inconclusive(1, statement, measure, logs,
          lastEpoch == 0 ? "the grid has no checkpoint past epoch 0" : "needs at least " + MIN_RUNS + " training runs");
    }
    Verdict pooled = directional(1, statement, measure, TInterval.mean(logs, CONFIDENCE), logs.length, +1);
    List<Verdict.ByConfiguration> configurations = perConfiguration(units, i -> directionalVerdict(i, +1));
    // A slowdown in one configuration is not cancelled by fifteen without: the claim holds there.
    boolean somewhere = configurations.stream().anyMatch(c -> c.verdict() == Verdict.Answer.SUPPORTED);
    return new Verdict(1, statement, measure, pooled.estimate(), pooled.ciLow(), pooled.ciHigh(), pooled.units(),
        somewhere ? Verdict.Answer.SUPPORTED : pooled.verdict(),
        "pooled: " + pooled.reason() + summary(configurations), configurations);
  }

  /**
   * Claims 2 and 3: the ratio at the last checkpoint with the factor at its highest value against its
   * lowest, paired by seed and every other setting (the same initial weights), over the pairs.
   */
  private static Verdict byFactor(int claim, List<Row> rows, Axis<Double> axis, int direction) {
    String statement = CLAIMS.get(claim - 1);
    String factor = axis.name();
    TreeSet<Double> levels = new TreeSet<>();
    rows.forEach(r -> levels.add(r.<Double>getAs(factor)));
    double low = levels.isEmpty() ? Double.NaN : levels.first();
    double high = levels.isEmpty() ? Double.NaN : levels.last();
    String measure =
        "slowdown ratio with " + factor + " = " + high + " / with " + factor + " = " + low
            + " (last checkpoint, rigorous, paired by seed)";
    if (levels.size() < 2) {
      return inconclusive(claim, statement, measure, new double[0], "the sweep does not vary " + factor);
    }
    // Partners: the same seed, cell and every other setting, so the same initial weights.
    Map<String, Map<Double, Row>> partners = new LinkedHashMap<>();
    for (Row r : rows) {
      String key = configuration(r, axis) + "|" + r.getAs(Axes.SEED.name());
      partners.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(r.<Double>getAs(factor), r);
    }
    List<VerdictRules.Unit> units = new ArrayList<>();
    for (Map<Double, Row> pair : partners.values()) {
      if (pair.containsKey(high) && pair.containsKey(low)) {
        Row h = pair.get(high);
        Row l = pair.get(low);
        units.add(new VerdictRules.Unit(
            configuration(h, axis),
            h.getAs(Axes.SEED.name()) + "|" + h.getAs("run_id") + "|" + l.getAs("run_id"),
            h.<Double>getAs("log_ratio") - l.<Double>getAs("log_ratio")));
      }
    }
    double[] d = pooled(units);
    if (d.length < MIN_RUNS) {
      return inconclusive(claim, statement, measure, d,
          "needs at least " + MIN_RUNS + " pairs of runs (same seed and settings) differing only in " + factor);
    }
    Verdict pooled = directional(claim, statement, measure, TInterval.mean(d, CONFIDENCE), d.length, direction);
    List<Verdict.ByConfiguration> configurations = perConfiguration(units, i -> directionalVerdict(i, direction));
    return withConfigurations(pooled, configurations);
  }

  /**
   * Claim 4, on the rows where its premise holds and small weights are (part of) what explains their
   * ratio: those whose cause is subnormal weights, those where subnormal weights and subnormal
   * arithmetic add up (subnormal_mixed: the zeroed copy removes the weights' part, which is what the
   * measure reads), and those with subnormal weights whose ratio needs no cause. A slowdown with
   * another cause alone (subnormal arithmetic of normal weights, placement) is not evidence about
   * small weights.
   */
  private static Verdict subnormals(List<Row> rows) {
    String statement = CLAIMS.get(3);
    String measure = "latency / latency with subnormal weights zeroed, over rows whose weights hold subnormals"
        + " and whose cause is subnormal_weights, subnormal_mixed or none";
    Predicate<Row> premise = r -> {
      String cause = r.getAs("cause");
      Double fraction = r.getAs("weight_subnormal_fraction");
      return r.getAs("log_zeroed") != null
          && ("subnormal_weights".equals(cause) || "subnormal_mixed".equals(cause)
              || ("none".equals(cause) && fraction != null && fraction > 0));
    };
    List<VerdictRules.Unit> units = rows.stream().filter(premise)
        .map(r -> new VerdictRules.Unit(configuration(r), r.getAs("run_id"), r.<Double>getAs("log_zeroed")))
        .toList();
    double[] logs = pooled(units);
    if (logs.length < MIN_RUNS) {
      return inconclusive(4, statement, measure, logs,
          logs.length == 0
              ? "no row at the last checkpoint had subnormal weights in its cause (subnormal_weights or"
                  + " subnormal_mixed, or none with subnormal weights; try conf/explain.yaml)"
              : "needs at least " + MIN_RUNS + " runs with subnormal weights");
    }
    Verdict pooled = directional(4, statement, measure, TInterval.mean(logs, CONFIDENCE), logs.length, +1);
    return withConfigurations(pooled, perConfiguration(units, i -> directionalVerdict(i, +1)));
  }

  private static Verdict protocol(SparkSession spark, Map<String, Object> sweep) {
    String statement = CLAIMS.get(4);
    String measure = "typical factor between the article-protocol ratio and the rigorous ratio, exp(mean |log(seed / rigorous)|), past epoch 0";
    List<Column> settings = AxisColumns.RUN.stream().map(n -> functions.first(n).as(n)).toList();
    // Paired by run, checkpoint and cell: the same timed model under both protocols.
    String cell = String.join(", ", AxisColumns.CELL_CONFIGURATION);
    Column[] byCell = Stream.concat(Stream.of("run_id"), AxisColumns.CELL_CONFIGURATION.stream())
        .map(functions::col).toArray(Column[]::new);
    List<Row> rows =
        spark
            .sql(
                "SELECT r.*, abs(ln(s.latency_ratio) - ln(r.latency_ratio)) AS log_gap FROM"
                    + " (SELECT * FROM article WHERE sweep_id = :sweep AND epochs > 0) s JOIN"
                    + " (SELECT * FROM rigorous WHERE sweep_id = :sweep AND epochs > 0) r"
                    + " USING (run_id, epochs, " + cell + ")",
                sweep)
            .groupBy(byCell)
            .agg(functions.avg("log_gap").as("log_gap"), settings.toArray(Column[]::new))
            .collectAsList();
    List<VerdictRules.Unit> units = rows.stream()
        .map(r -> new VerdictRules.Unit(configuration(r), r.getAs("run_id"), r.<Double>getAs("log_gap")))
        .toList();
    double[] logs = pooled(units);
    if (logs.length < MIN_RUNS) {
      return inconclusive(5, statement, measure, logs,
          logs.length == 0
              ? "the sweep has no article-protocol rows past epoch 0 (add protocol: [rigorous, seed])"
              : "needs at least " + MIN_RUNS + " training runs");
    }
    Interval i = TInterval.mean(logs, CONFIDENCE);
    double est = Math.exp(i.estimate());
    double lo = Math.exp(i.low());
    double hi = Math.exp(i.high());
    Verdict.Answer verdict = protocolVerdict(i);
    String reason =
        switch (verdict) {
          case SUPPORTED -> "its ratios agree with the rigorous ones within " + BAND_PERCENT + " % over the whole interval";
          case REFUTED -> String.format(Locale.ROOT, "its ratios are off by a factor of %.2f (CI %.2f to %.2f) from the rigorous ones", est, lo, hi);
          default -> "the interval straddles the " + BAND_PERCENT + " % band";
        };
    Verdict pooled = new Verdict(5, statement, measure, est, lo, hi, logs.length, verdict, reason, List.of());
    return withConfigurations(pooled, perConfiguration(units, VerdictRules::protocolVerdict));
  }

  /**
   * A row's configuration as {@code name=value, ...}: every axis of {@link AxisColumns#CONFIGURATION}
   * but {@code except} (the report's causes use it too).
   */
  static String configuration(Row row, Axis<?>... except) {
    List<String> skip = Arrays.stream(except).map(Axis::name).toList();
    List<String> parts = new ArrayList<>();
    for (String name : AxisColumns.CONFIGURATION) {
      if (!skip.contains(name)) {
        parts.add(name + "=" + row.getAs(name));
      }
    }
    return String.join(", ", parts);
  }

  private static Verdict missing(int claim, String reason) {
    return new Verdict(claim, CLAIMS.get(claim - 1), "", Double.NaN, Double.NaN, Double.NaN, 0, Verdict.Answer.INCONCLUSIVE, reason, List.of());
  }
}
