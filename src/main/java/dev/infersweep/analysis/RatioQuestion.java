package dev.infersweep.analysis;

import dev.infersweep.analysis.Compare.RatioChange;
import dev.infersweep.analysis.CompareRows.Replicate;
import dev.infersweep.stats.Moments;
import dev.infersweep.stats.StudentT;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * compare's first question, did training's effect change: per configuration the change of the
 * paired latency ratio, candidate against baseline, Holm-corrected over the configurations tested.
 */
final class RatioQuestion {
  /**
   * The answer.
   *
   * @param changes one per configuration in both sweeps, most significant first
   * @param unmatched configurations in only one of the two sweeps (not judged)
   */
  record Answer(List<RatioChange> changes, int unmatched) {}

  private RatioQuestion() {}

  static Answer of(
      Map<String, Map<Long, Replicate>> base, Map<String, Map<Long, Replicate>> cand, double threshold) {
    List<RatioChange> changes = new ArrayList<>();
    int unmatched = 0;
    for (Map.Entry<String, Map<Long, Replicate>> e : cand.entrySet()) {
      Map<Long, Replicate> b = base.get(e.getKey());
      if (b == null) {
        unmatched++;
        continue;
      }
      changes.add(ratioChange(e.getKey(), b, e.getValue()));
    }
    unmatched += (int) base.keySet().stream().filter(k -> !cand.containsKey(k)).count();
    changes = holm(changes, threshold);
    changes.sort(Comparator.comparingDouble(RatioChange::adjustedP).thenComparing(RatioChange::configuration));
    return new Answer(changes, unmatched);
  }

  /**
   * The change of one configuration's mean log ratio. Its standard error is the larger of the
   * replicates' spread and the rows' own timing errors, so that neither two lucky seeds nor one
   * tight interval makes a change look certain; the t quantile takes the degrees of freedom of
   * whichever it is (the rows' own, combined by Satterthwaite, for the timing errors).
   */
  static RatioChange ratioChange(String configuration, Map<Long, Replicate> base, Map<Long, Replicate> cand) {
    boolean paired = base.keySet().equals(cand.keySet()) && base.size() >= 2;
    double[] b = logs(base.values());
    double[] c = logs(cand.values());
    Timing timing = timing(base.values(), cand.values());
    double diff;
    double spreadVar;
    int df;
    if (paired) {
      double[] d = cand.keySet().stream().mapToDouble(k -> cand.get(k).logRatio() - base.get(k).logRatio()).toArray();
      diff = Moments.mean(d);
      spreadVar = Math.pow(Moments.sd(d), 2) / d.length;
      df = d.length - 1;
    } else {
      diff = Moments.mean(c) - Moments.mean(b);
      spreadVar = Math.pow(Moments.sd(b), 2) / b.length + Math.pow(Moments.sd(c), 2) / c.length;
      df = Math.max(1, b.length + c.length - 2);
    }
    double se = Math.sqrt(Math.max(spreadVar, timing.variance()));
    boolean spreadRules = spreadVar >= timing.variance() && df >= 1 && (b.length > 1 || c.length > 1);
    double dof = spreadRules ? df : timing.df();
    double p = se == 0 ? (diff == 0 ? 1 : 0) : StudentT.pValue(diff / se, dof);
    double q = se == 0 ? 0 : StudentT.quantile(0.95, dof);
    return new RatioChange(configuration, Math.exp(diff), Math.exp(diff - q * se), Math.exp(diff + q * se), p, p,
        base.size(), cand.size(), false, false);
  }

  private static double[] logs(Collection<Replicate> replicates) {
    return replicates.stream().mapToDouble(Replicate::logRatio).toArray();
  }

  /**
   * The variance of the difference of the two sweeps' mean log ratios from the rows' own timing
   * errors, and its Satterthwaite degrees of freedom (infinite when the rows' are unknown).
   */
  private record Timing(double variance, double df) {}

  private static Timing timing(Collection<Replicate> base, Collection<Replicate> cand) {
    List<Double> variances = new ArrayList<>();
    List<Double> dfs = new ArrayList<>();
    for (Collection<Replicate> side : List.of(base, cand)) {
      double n = side.size();
      for (Replicate r : side) {
        variances.add(r.se() * r.se() / (n * n));
        dfs.add(r.df());
      }
    }
    double[] v = variances.stream().mapToDouble(Double::doubleValue).toArray();
    double[] d = dfs.stream().mapToDouble(Double::doubleValue).toArray();
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return new Timing(sum, StudentT.satterthwaite(v, d));
  }

  /**
   * Holm's step-down adjustment. A regression is significant, slower, and at least the threshold;
   * an improvement significant, faster, and at least the threshold (1 / (1 + threshold) or less).
   */
  static List<RatioChange> holm(List<RatioChange> changes, double threshold) {
    int m = changes.size();
    List<RatioChange> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparingDouble(RatioChange::pValue));
    List<RatioChange> out = new ArrayList<>();
    double running = 0;
    for (int i = 0; i < m; i++) {
      RatioChange c = sorted.get(i);
      running = Math.max(running, Math.min(1, (m - i) * c.pValue()));
      boolean significant = running < Compare.ALPHA;
      out.add(new RatioChange(c.configuration(), c.change(), c.ciLow(), c.ciHigh(), c.pValue(), running,
          c.baselineReplicates(), c.candidateReplicates(), significant && c.change() >= 1 + threshold,
          significant && c.change() <= 1 / (1 + threshold)));
    }
    return out;
  }
}
