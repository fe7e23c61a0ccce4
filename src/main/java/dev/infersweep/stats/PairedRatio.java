package dev.infersweep.stats;

/**
 * The latency ratio of a model against a reference timed in interleaved rounds, with a confidence
 * interval that allows for dependence between consecutive rounds.
 *
 * <p>Round i gives the median latency of the model, a_i, and of the reference, b_i, measured in the
 * same round. The estimate is the geometric mean of the paired ratios, exp(mean(log(a_i / b_i))):
 * pairing cancels whatever the machine did to both (drift, frequency changes, a neighbour's load),
 * and the log makes the estimate symmetric (A/B = 1/(B/A)).
 *
 * <p>Consecutive rounds are not independent (the machine's state lingers), so the plain standard
 * error understates the error of the mean. The interval treats the per-round log ratios as a
 * first-order autoregressive series: the standard error is inflated by sqrt((1 + ρ) / (1 − ρ)) and
 * the t quantile uses the effective number of rounds, n (1 − ρ) / (1 + ρ). Because a row stops as
 * soon as its interval is narrow enough, an underestimated ρ would stop it early with an interval
 * too narrow; ρ is therefore the lag-1 autocorrelation corrected for its small-sample bias and
 * raised by one standard error (1/√n). {@code PairedRatioTest} measures the coverage by simulation
 * with drift, autocorrelation up to 0.8 and the stopping rule in the loop; a moving-block bootstrap
 * tried first covered only 89 % at ρ = 0.5 (docs/analysis.md).
 *
 * <p>The interval is exp(log ratio ± t(df) · logSe); {@code logSe} and {@code df} are kept, so
 * that what combines two ratios (a residual, a night-to-night change) uses the standard error and
 * its degrees of freedom, not a standard error backed out of the ends with a normal quantile (which
 * overstates it by t/1.96: 31 % at 5 degrees of freedom).
 *
 * @param ratio the estimate
 * @param ciLow lower bound of the two-sided interval
 * @param ciHigh upper bound
 * @param pairs rounds behind it
 * @param logSe standard error of the log ratio (inflated for autocorrelation)
 * @param df degrees of freedom of the t quantile (the effective rounds less one; fractional)
 */
public record PairedRatio(double ratio, double ciLow, double ciHigh, int pairs, double logSe, double df)
    implements java.io.Serializable {
  private static final double MAX_RHO = 0.95;

  /** The reference over the model: the same estimate and interval, inverted (log-SE and df unchanged). */
  public PairedRatio inverse() {
    return new PairedRatio(1 / ratio, 1 / ciHigh, 1 / ciLow, pairs, logSe, df);
  }

  /** Half the interval's width, in ratio units (0.01 ≈ ±1 % around a ratio near 1). */
  public double halfWidth() {
    return (ciHigh - ciLow) / 2;
  }

  /**
   * @param model per-round medians of the model, in time order
   * @param reference per-round medians of the reference, paired by index
   * @param count rounds to use (the first {@code count})
   * @param confidence e.g. 0.95
   */
  public static PairedRatio estimate(double[] model, double[] reference, int count, double confidence) {
    if (count < 2) {
      throw new IllegalArgumentException("'count' must be at least 2 block pairs, found " + count);
    }
    if (model.length < count || reference.length < count) {
      throw new IllegalArgumentException("'model' and 'reference' must hold 'count' blocks");
    }
    double[] logs = new double[count];
    for (int i = 0; i < count; i++) {
      if (!(model[i] > 0 && reference[i] > 0)) {
        throw new IllegalArgumentException("block medians must be positive, block " + i);
      }
      logs[i] = Math.log(model[i] / reference[i]);
    }
    double mean = Moments.mean(logs);
    double rho = conservativeRho(logs, mean);
    double inflation = (1 + rho) / (1 - rho);
    double se = Moments.sd(logs) / Math.sqrt(count) * Math.sqrt(inflation);
    double df = Math.max(1, count / inflation - 1);
    return ofLog(mean, se, df, count, confidence);
  }

  /**
   * The ratio exp({@code logMean}) with its interval exp(logMean ± t(df) · logSe).
   *
   * @param df degrees of freedom; infinite for a normal interval
   */
  public static PairedRatio ofLog(double logMean, double logSe, double df, int pairs, double confidence) {
    double q = StudentT.quantile(confidence, df);
    return new PairedRatio(
        Math.exp(logMean), Math.exp(logMean - q * logSe), Math.exp(logMean + q * logSe), pairs, logSe, df);
  }

  /**
   * The lag-1 autocorrelation, plus its small-sample bias (1 + 3ρ)/n and one standard error 1/√n,
   * clamped to [0, 0.95]: a negative estimate is taken as none, so the interval never narrows.
   */
  static double conservativeRho(double[] x, double mean) {
    int n = x.length;
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      double d = x[i] - mean;
      den += d * d;
      if (i > 0) {
        num += d * (x[i - 1] - mean);
      }
    }
    double r = den == 0 ? 0 : num / den;
    return Math.min(MAX_RHO, Math.max(0, r + (1 + 3 * r) / n + 1 / Math.sqrt(n)));
  }
}
