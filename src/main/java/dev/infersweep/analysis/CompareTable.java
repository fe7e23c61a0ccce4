package dev.infersweep.analysis;

import dev.infersweep.analysis.Compare.AbsoluteChange;
import dev.infersweep.analysis.Compare.RatioChange;
import dev.infersweep.analysis.Compare.Result;
import dev.infersweep.analysis.Compare.Shift;
import java.util.List;
import java.util.Locale;

/**
 * A comparison as plain text. By default only what a nightly log needs: the regressions, the
 * improvements and what was not judged, then one summary line (two identical sweeps print two or
 * three); {@code full} lists every configuration's ratio change as well.
 */
final class CompareTable {
  private CompareTable() {}

  /** The regressions, improvements and "not judged" lines (at most {@code limit} changes), then the summary. */
  static String changes(Result r, int limit) {
    StringBuilder out = new StringBuilder();
    List<RatioChange> changed = r.ratios().stream().filter(c -> c.regression() || c.improvement()).toList();
    for (RatioChange c : changed.subList(0, Math.min(limit, changed.size()))) {
      out.append(String.format(Locale.ROOT, "%-9s ratio %.4f (95 %% CI %.4f to %.4f, adj_p %.3g, replicates %d/%d)  %s%n",
          c.regression() ? "REGRESSED" : "improved", c.change(), c.ciLow(), c.ciHigh(), c.adjustedP(),
          c.baselineReplicates(), c.candidateReplicates(), c.configuration()));
    }
    if (changed.size() > limit) {
      out.append(String.format(Locale.ROOT, "... and %d more changed configurations (--max-rows N to see them)%n",
          changed.size() - limit));
    }
    if (r.unmatched() > 0) {
      out.append(String.format(Locale.ROOT,
          "not judged: %d configuration(s) in only one of the two sweeps%n", r.unmatched()));
    }
    Shift s = r.shift();
    if (s.note() != null) {
      out.append(String.format(Locale.ROOT, "not judged: %s: %s%n", shift(s), s.note().replaceFirst("^not judged: ", "")));
    } else if (s.regression()) {
      out.append(String.format(Locale.ROOT, "REGRESSED absolute: %s; history of %d sweeps explains up to %.4f (everything got slower)%n",
          shift(s), r.historySweeps(), s.limit()));
    }
    if (s.note() == null) {
      absolutes(out, r);
    }
    return out.append(summary(r)).toString();
  }

  /** Every configuration's ratio change (at most {@code limit}), both questions, then the summary. */
  static String full(Result r, int limit) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "compare: candidate %s against baseline %s%n", r.candidate(), r.baseline()));
    out.append(String.format(Locale.ROOT,
        "1. training's effect (paired latency_ratio, per configuration): family of %d configurations,"
            + " Holm-corrected at %.0f %%, threshold %.1f %%%n",
        r.family(), 100 * Compare.ALPHA, 100 * r.ratioThreshold()));
    out.append(String.format(Locale.ROOT, "%-9s %-8s %-8s %-8s %-9s %-5s  %s%n", "verdict", "change", "ci_low", "ci_high", "adj_p", "n", "configuration"));
    for (RatioChange c : r.ratios().subList(0, Math.min(limit, r.ratios().size()))) {
      out.append(String.format(Locale.ROOT, "%-9s %-8.4f %-8.4f %-8.4f %-9.3g %d/%-3d  %s%n",
          c.regression() ? "REGRESSED" : c.improvement() ? "improved" : "ok", c.change(), c.ciLow(), c.ciHigh(),
          c.adjustedP(), c.baselineReplicates(), c.candidateReplicates(), c.configuration()));
    }
    Shift s = r.shift();
    out.append(String.format(Locale.ROOT, "2. absolute latency: %s%s%n", shift(s),
        s.note() != null ? "; " + s.note()
            : String.format(Locale.ROOT, "; history of %d sweeps explains up to %.4f: %s", r.historySweeps(), s.limit(),
                s.regression() ? "REGRESSED (everything got slower)" : "ok")));
    absolutes(out, r);
    return out.append(summary(r)).toString();
  }

  private static String shift(Shift s) {
    return String.format(Locale.ROOT, "global shift %.4f (95 %% CI over %d configurations %.4f to %.4f)",
        s.change(), s.configurations(), s.ciLow(), s.ciHigh());
  }

  /** Per-configuration absolute regressions, or why they were not judged. */
  private static void absolutes(StringBuilder out, Result r) {
    if (r.absolutes().isEmpty()) {
      out.append(String.format(Locale.ROOT,
          "not judged: per-configuration absolute changes (%d earlier sweep(s) of this grid on this hardware, %d needed)%n",
          r.historySweeps(), Compare.MIN_HISTORY_PER_CONFIGURATION));
    }
    for (AbsoluteChange a : r.absolutes()) {
      if (a.regression()) {
        out.append(String.format(Locale.ROOT, "REGRESSED absolute %.4f (history explains up to %.4f)  %s%n", a.change(), a.limit(), a.configuration()));
      }
    }
  }

  /** One line: both questions' counts and the global shift's verdict. */
  static String summary(Result r) {
    Shift s = r.shift();
    String shift =
        s.note() != null ? "not judged"
            : s.regression() ? "REGRESSED"
            : String.format(Locale.ROOT, "ok (history of %d sweeps explains up to %.4f)", r.historySweeps(), s.limit());
    return String.format(Locale.ROOT,
        "compare: candidate %s against baseline %s: family of %d configurations (Holm-corrected at %.0f %%, threshold %.1f %%),"
            + " %d regressed, %d improved in their ratio, %d unmatched; global shift %.4f %s; %d absolute regressions%n",
        r.candidate(), r.baseline(), r.family(), 100 * Compare.ALPHA, 100 * r.ratioThreshold(),
        r.ratios().stream().filter(RatioChange::regression).count(),
        r.ratios().stream().filter(RatioChange::improvement).count(), r.unmatched(), s.change(), shift,
        r.absolutes().stream().filter(AbsoluteChange::regression).count());
  }
}
