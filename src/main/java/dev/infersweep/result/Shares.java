package dev.infersweep.result;

import dev.infersweep.stats.PairedRatio;
import dev.infersweep.stats.StudentT;
import java.io.Serializable;

/**
 * What each control explains of a row's slowdown, as fractions of log(latency_ratio) that sum to 1
 * (docs/analysis.md, "Causes"). With l = log L (trained / epoch 0), z = log of the zeroed control
 * (trained / zeroed copy), f = log of the flush twin's ratio (flushed trained / flushed epoch 0),
 * r = log of the rescale twin's ratio and a = log of the slowdown on fresh copies:
 *
 * <ul>
 *   <li>subnormal weights: z / l (what zeroing them takes away);
 *   <li>subnormal arithmetic: (l − f − z) / l, what flushing takes away beyond the weights (DAZ
 *       treats a subnormal weight as 0, so flushing removes both); where the flush twin is missing,
 *       (l − r − z) / l from a complete rescale twin; else null;
 *   <li>placement: (l − a) / l, what disappears when the same values sit in other memory;
 *   <li>unexplained: the rest, 1 minus the others, i.e. (f + a − l) / l; without an arithmetic share
 *       (a − z) / l, which then includes whatever subnormal arithmetic costs.
 * </ul>
 *
 * Each interval is the delta method's: the shares are ratios of log ratios, whose standard errors
 * are combined as independent errors (as for the cause rules' residual) with a t quantile at
 * Satterthwaite's degrees of freedom. Shares are computed only for a slowdown beyond the band, where
 * l is away from 0; with an interval of L that reaches near the band the share intervals are wide,
 * as they should be.
 *
 * @param arithmeticFrom {@code flush}, {@code rescale} or null: which twin the arithmetic share reads
 */
public record Shares(Share weights, Share arithmetic, Share placement, Share unexplained, String arithmeticFrom)
    implements Serializable {
  private static final double CONFIDENCE = 0.95;

  /** One share with its 95 % interval. */
  public record Share(double estimate, double ciLow, double ciHigh, double se, double df) implements Serializable {}

  /**
   * The shares of {@code latency}'s slowdown; null where it is not beyond the band (nothing to
   * share out) or the zeroed copy or the fresh copies are missing.
   */
  public static Shares of(PairedRatio latency, Controls controls) {
    if (latency == null || controls == null || !Cause.beyondBand(latency)
        || controls.zeroed() == null || controls.aaLatency() == null) {
      return null;
    }
    PairedRatio total = null;
    String from = null;
    if (controls.flushed() != null) {
      total = controls.flushed();
      from = "flush";
    } else if (controls.rescaled() != null && controls.rescaleComplete()) {
      total = controls.rescaled();
      from = "rescale";
    }
    PairedRatio z = controls.zeroed();
    PairedRatio a = controls.aaLatency();
    Share weights = share(latency, 0, new PairedRatio[] {z}, new double[] {1});
    Share placement = share(latency, 1, new PairedRatio[] {a}, new double[] {-1});
    Share arithmetic = total == null ? null : share(latency, 1, new PairedRatio[] {total, z}, new double[] {-1, -1});
    Share unexplained = total == null
        ? share(latency, 0, new PairedRatio[] {a, z}, new double[] {1, -1})
        : share(latency, -1, new PairedRatio[] {total, a}, new double[] {1, 1});
    return new Shares(weights, arithmetic, placement, unexplained, from);
  }

  /**
   * The share c + Σ k_j log(x_j) / log(L) with its delta-method interval: the derivative by log x_j is
   * k_j / l, by l it is −(share − c) / l.
   */
  static Share share(PairedRatio latency, double c, PairedRatio[] x, double[] k) {
    double l = Math.log(latency.ratio());
    double sum = 0;
    for (int j = 0; j < x.length; j++) {
      sum += k[j] * Math.log(x[j].ratio());
    }
    double estimate = c + sum / l;
    double[] variances = new double[x.length + 1];
    double[] dfs = new double[x.length + 1];
    for (int j = 0; j < x.length; j++) {
      double g = k[j] / l;
      variances[j] = g * g * x[j].logSe() * x[j].logSe();
      dfs[j] = x[j].df();
    }
    double gl = (estimate - c) / l;
    variances[x.length] = gl * gl * latency.logSe() * latency.logSe();
    dfs[x.length] = latency.df();
    double variance = 0;
    for (double v : variances) {
      variance += v;
    }
    double se = Math.sqrt(variance);
    double df = variance == 0 ? Double.POSITIVE_INFINITY : StudentT.satterthwaite(variances, dfs);
    double q = StudentT.quantile(CONFIDENCE, df);
    return new Share(estimate, estimate - q * se, estimate + q * se, se, df);
  }

  /** "subnormal weights 62 %, subnormal arithmetic 38 %": the shares of at least 5 %, largest first. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    Object[][] parts = {
      {"subnormal weights", weights}, {"subnormal arithmetic", arithmetic}, {"placement", placement}, {"unexplained", unexplained}
    };
    java.util.Arrays.sort(parts, (p, q) -> Double.compare(value((Share) q[1]), value((Share) p[1])));
    for (Object[] p : parts) {
      Share s = (Share) p[1];
      if (s != null && s.estimate() >= 0.05) {
        out.append(out.length() == 0 ? "" : ", ").append(p[0]).append(' ').append(Math.round(100 * s.estimate())).append(" %");
      }
    }
    return out.toString();
  }

  private static double value(Share s) {
    return s == null ? Double.NEGATIVE_INFINITY : s.estimate();
  }
}
