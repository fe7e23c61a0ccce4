package dev.infersweep.analysis;

import dev.infersweep.result.Cause;
import dev.infersweep.stats.Interval;
import dev.infersweep.stats.TInterval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How {@link Verdicts} judges a claim once its units are gathered: rows pooled into independent
 * units, a 95 % t interval of their mean log factor, the directional and protocol rules against the
 * ±{@value #BAND_PERCENT} % band, the same rule per configuration with at least {@value #MIN_RUNS}
 * units, and the reasons that say why (docs/analysis.md).
 */
final class VerdictRules {
  /** The band around no effect, in percent (the cause rules' band). */
  static final int BAND_PERCENT = Cause.BAND_PERCENT;

  /** Fewest independent units (runs, or pairs of runs) below which a claim is inconclusive. */
  static final int MIN_RUNS = 3;
  private static final double BAND = BAND_PERCENT / 100.0;
  static final double CONFIDENCE = 0.95;
  /** Configurations named in a reason at most; the full list is in {@link Verdict#configurations}. */
  private static final int NAMED = 8;

  private VerdictRules() {}

  /** One row's value: the configuration it belongs to, its independent unit, and the log factor. */
  record Unit(String configuration, String unit, double value) {}

  /** Claim 5's rule: the typical factor within the band over the whole interval, or beyond it. */
  static Verdict.Answer protocolVerdict(Interval logInterval) {
    if (Math.exp(logInterval.high()) <= 1 + BAND) {
      return Verdict.Answer.SUPPORTED;
    }
    return Math.exp(logInterval.low()) > 1 + BAND ? Verdict.Answer.REFUTED : Verdict.Answer.INCONCLUSIVE;
  }

  /** One value per independent unit: the mean of its rows (a run's cells share its training). */
  static double[] pooled(List<Unit> units) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (Unit u : units) {
      double[] s = sums.computeIfAbsent(u.unit(), k -> new double[2]);
      s[0] += u.value();
      s[1]++;
    }
    return sums.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
  }

  /** The rule applied to each configuration with at least {@value #MIN_RUNS} units. */
  static List<Verdict.ByConfiguration> perConfiguration(
      List<Unit> units, Function<Interval, Verdict.Answer> rule) {
    Map<String, List<Double>> groups = new LinkedHashMap<>();
    for (Unit u : units) {
      groups.computeIfAbsent(u.configuration(), k -> new ArrayList<>()).add(u.value());
    }
    List<Verdict.ByConfiguration> out = new ArrayList<>();
    for (Map.Entry<String, List<Double>> g : groups.entrySet()) {
      double[] values = g.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      if (values.length < MIN_RUNS) {
        out.add(new Verdict.ByConfiguration(g.getKey(), Math.exp(Arrays.stream(values).average().orElse(Double.NaN)),
            Double.NaN, Double.NaN, values.length, Verdict.Answer.INCONCLUSIVE));
        continue;
      }
      Interval i = TInterval.mean(values, CONFIDENCE);
      out.add(new Verdict.ByConfiguration(g.getKey(), Math.exp(i.estimate()), Math.exp(i.low()), Math.exp(i.high()),
          values.length, rule.apply(i)));
    }
    return out;
  }

  /** "; supported in k of m configurations: …", naming the supporting ones. */
  static String summary(List<Verdict.ByConfiguration> configurations) {
    long judged = configurations.stream().filter(c -> c.units() >= MIN_RUNS).count();
    if (judged == 0) {
      return "; no configuration has " + MIN_RUNS + " runs to be judged on its own";
    }
    List<String> named = configurations.stream()
        .filter(c -> c.verdict() == Verdict.Answer.SUPPORTED)
        .map(c -> String.format(Locale.ROOT, "%s (%.3f, CI %.3f to %.3f)", c.configuration(), c.estimate(), c.ciLow(), c.ciHigh()))
        .toList();
    String list = named.isEmpty() ? "" : ": " + String.join("; ", named.subList(0, Math.min(NAMED, named.size())))
        + (named.size() > NAMED ? "; and " + (named.size() - NAMED) + " more" : "");
    return "; supported in " + named.size() + " of " + judged + " configurations" + list;
  }

  static Verdict withConfigurations(Verdict pooled, List<Verdict.ByConfiguration> configurations) {
    return new Verdict(pooled.claim(), pooled.statement(), pooled.measure(), pooled.estimate(), pooled.ciLow(),
        pooled.ciHigh(), pooled.units(), pooled.verdict(), "pooled: " + pooled.reason() + summary(configurations),
        configurations);
  }

  static Verdict.Answer directionalVerdict(Interval logInterval, int direction) {
    return directional(0, "", "", logInterval, 0, direction).verdict();
  }

  /** Applies the directional rule to an interval of mean log factors. */
  static Verdict directional(
      int claim, String statement, String measure, Interval logInterval, int units, int direction) {
    double est = Math.exp(logInterval.estimate());
    double lo = Math.exp(logInterval.low());
    double hi = Math.exp(logInterval.high());
    Verdict.Answer verdict;
    String reason;
    boolean inBand = lo >= 1 - BAND && hi <= 1 + BAND;
    boolean beyondClaimed = direction > 0 ? lo > 1 + BAND : hi < 1 - BAND;
    boolean beyondOpposite = direction > 0 ? hi < 1 - BAND : lo > 1 + BAND;
    String interval = String.format(Locale.ROOT, "95 %% CI %.3f to %.3f", lo, hi);
    if (beyondClaimed) {
      verdict = Verdict.Answer.SUPPORTED;
      reason = interval + " lies beyond " + (direction > 0 ? "+" : "−") + BAND_PERCENT + " % in the claimed direction";
    } else if (inBand) {
      verdict = Verdict.Answer.REFUTED;
      reason = interval + " lies inside ±" + BAND_PERCENT + " %: no effect worth the name";
    } else if (beyondOpposite) {
      verdict = Verdict.Answer.REFUTED;
      reason = interval + " lies beyond " + BAND_PERCENT + " % in the opposite direction";
    } else {
      verdict = Verdict.Answer.INCONCLUSIVE;
      reason = interval + " straddles the ±" + BAND_PERCENT + " % band";
    }
    return new Verdict(claim, statement, measure, est, lo, hi, units, verdict, reason, List.of());
  }

  static Verdict inconclusive(int claim, String statement, String measure, double[] logs, String reason) {
    double est = logs.length == 0 ? Double.NaN : Math.exp(Arrays.stream(logs).average().orElse(Double.NaN));
    return new Verdict(claim, statement, measure, est, Double.NaN, Double.NaN, logs.length, Verdict.Answer.INCONCLUSIVE, reason, List.of());
  }

}
