package dev.infersweep.stats;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The quantiles behind every interval: Student's t for an estimate with finite degrees of freedom,
 * the normal where they are unknown or infinite, and the one z constant of the code base.
 */
public final class StudentT {
  /** The standard normal's 97.5 % quantile: a 95 % normal interval is estimate ± Z95 standard errors. */
  public static final double Z95 = 1.959963984540054;

  private StudentT() {}

  /**
   * The quantile q of a two-sided interval at {@code confidence}: estimate ± q standard errors.
   *
   * @param df degrees of freedom (at least 1, fractional allowed); infinite or NaN: the normal
   */
  public static double quantile(double confidence, double df) {
    double p = 0.5 + confidence / 2;
    if (!Double.isFinite(df)) {
      return confidence == 0.95 ? Z95 : new NormalDistribution().inverseCumulativeProbability(p);
    }
    return new TDistribution(Math.max(1, df)).inverseCumulativeProbability(p);
  }

  /** The two-sided p-value of the statistic {@code z} (estimate / standard error) at {@code df}. */
  public static double pValue(double z, double df) {
    double tail =
        Double.isFinite(df)
            ? 1 - new TDistribution(Math.max(1, df)).cumulativeProbability(Math.abs(z))
            : 1 - new NormalDistribution().cumulativeProbability(Math.abs(z));
    return 2 * tail;
  }

  /**
   * Satterthwaite's degrees of freedom of a sum of independent variance estimates, each with its own
   * degrees of freedom (infinite for a known variance): (Σ v)² / Σ (v² / df). Infinite when every
   * term is known or every variance is zero.
   */
  public static double satterthwaite(double[] variances, double[] dfs) {
    double sum = 0;
    double denominator = 0;
    for (int i = 0; i < variances.length; i++) {
      sum += variances[i];
      if (Double.isFinite(dfs[i])) {
        denominator += variances[i] * variances[i] / dfs[i];
      }
    }
    return denominator == 0 ? Double.POSITIVE_INFINITY : sum * sum / denominator;
  }
}
