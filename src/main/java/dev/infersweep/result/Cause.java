package dev.infersweep.result;

import dev.infersweep.stats.PairedRatio;
import dev.infersweep.stats.StudentT;
import java.util.Locale;

/**
 * Why a row's latency ratio is what it is, read off the control models' intervals by the rules of
 * docs/analysis.md ("Causes"). The rules, in the order they are tried:
 *
 * <ol>
 *   <li>{@code none}: the ratio's interval is not wholly beyond the ±{@value #BAND_PERCENT} % band;
 *   <li>{@code placement}: the A/A twin (the same values in other memory) differs from the trained
 *       model beyond the band, or the slowdown measured again on fresh copies is no longer beyond
 *       the band;
 *   <li>{@code subnormal_weights}: zeroing the subnormal weights restores the speed (the zeroed
 *       control's interval is beyond the band in the slowdown's direction and what is left of the
 *       slowdown is not);
 *   <li>{@code subnormal_arithmetic} or {@code subnormal_mixed}: the flush-to-zero twin takes the
 *       slowdown away (its slowdown is below the trained model's and either no longer beyond the
 *       band or less than half of it in log terms), or a complete rescale twin restores it (no
 *       longer beyond the band, and below the trained model's); {@code subnormal_mixed} when the
 *       zeroed copy also takes a part away beyond the band (subnormal weights and subnormal
 *       products both cost time), {@code subnormal_arithmetic} when it does not;
 *   <li>{@code unexplained}: none of them does.
 * </ol>
 *
 * The cause is the dominant explanation; {@link Shares} says how much each control explains.
 *
 * Placement comes first because every control is itself a separate allocation: when memory alone
 * moves latency as much, no control can be trusted to explain anything else.
 */
public enum Cause {
  NONE,
  PLACEMENT,
  SUBNORMAL_WEIGHTS,
  SUBNORMAL_ARITHMETIC,
  /** Subnormal weights and subnormal arithmetic, each explaining a part beyond the band. */
  SUBNORMAL_MIXED,
  UNEXPLAINED;

  /** Ratios within ±this many per cent of 1 count as no effect; the verdicts use the same band. */
  public static final int BAND_PERCENT = 2;
  private static final double BAND = BAND_PERCENT / 100.0;
  /** An estimate this far from 1 whose interval reaches into the band is not yet an answer. */
  public static final int UNDECIDED_PERCENT = 5;
  /** The level of the residual's interval, that of the ratios it combines. */
  private static final double CONFIDENCE = 0.95;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The cause of a rigorous row's ratio.
   *
   * @param latency trained / epoch-0, with its interval
   * @param controls the control ratios (any may be null when it could not be timed)
   */
  public static Cause of(PairedRatio latency, Controls controls) {
    if (!beyondBand(latency)) {
      return NONE;
    }
    int direction = latency.ciLow() > 1 + BAND ? +1 : -1;
    if (controls == null) {
      return UNEXPLAINED;
    }
    if (controls.aa() != null && beyondBand(controls.aa())) {
      return PLACEMENT;
    }
    if (controls.aaLatency() != null && !beyondBand(controls.aaLatency()) && separated(latency, controls.aaLatency(), direction)) {
      return PLACEMENT;
    }
    if (controls.zeroed() != null && beyondInDirection(controls.zeroed(), direction)
        && !beyondBand(residual(latency, controls.zeroed()))) {
      return SUBNORMAL_WEIGHTS;
    }
    boolean flushRemovesIt = controls.flushed() != null && separated(latency, controls.flushed(), direction)
        && (!beyondBand(controls.flushed())
            || Math.abs(Math.log(controls.flushed().ratio())) < Math.abs(Math.log(latency.ratio())) / 2);
    boolean rescaleRemovesIt = controls.rescaled() != null && controls.rescaleComplete()
        && !beyondBand(controls.rescaled()) && separated(latency, controls.rescaled(), direction);
    if (flushRemovesIt || rescaleRemovesIt) {
      boolean weightsToo = controls.zeroed() != null && beyondInDirection(controls.zeroed(), direction);
      return weightsToo ? SUBNORMAL_MIXED : SUBNORMAL_ARITHMETIC;
    }
    return UNEXPLAINED;
  }

  /**
   * The cause of a model timed without a baseline (read from a registry): what its own controls say
   * it pays. {@code placement} when its A/A copy differs beyond the band; {@code subnormal_weights}
   * when zeroing its subnormal values makes it faster beyond the band and flushing takes no more away
   * than zeroing did; {@code subnormal_mixed} when both take parts away; {@code
   * subnormal_arithmetic} when only flushing does; else {@code none}. It never says {@code
   * unexplained}: without a baseline there is no slowdown to explain.
   */
  public static Cause ofModel(Controls controls) {
    if (controls == null) {
      return NONE;
    }
    if (controls.aa() != null && beyondBand(controls.aa())) {
      return PLACEMENT;
    }
    boolean weights = controls.zeroed() != null && beyondInDirection(controls.zeroed(), +1);
    // trained / flushed, the model's cost of subnormal arithmetic: the inverse of flushed / trained.
    PairedRatio flush = controls.flushedVsTrained() == null ? null : controls.flushedVsTrained().inverse();
    boolean arithmetic = flush != null && beyondInDirection(flush, +1);
    if (weights) {
      boolean more = arithmetic && beyondInDirection(residual(flush, controls.zeroed()), +1);
      return more ? SUBNORMAL_MIXED : SUBNORMAL_WEIGHTS;
    }
    return arithmetic ? SUBNORMAL_ARITHMETIC : NONE;
  }

  /**
   * Whether more rounds could still change a row's cause, so that it is worth measuring past
   * timing.max_seconds: a slowdown beyond the band that no control explains yet (a control's
   * interval too wide to tell, as after 14 rounds of nine models), or an estimate beyond
   * ±{@value #UNDECIDED_PERCENT} % whose interval still reaches into the band.
   */
  public static boolean undecided(PairedRatio latency, Controls controls) {
    Cause cause = of(latency, controls);
    return cause == UNEXPLAINED
        || (cause == NONE && Math.abs(Math.log(latency.ratio())) > Math.log(1 + UNDECIDED_PERCENT / 100.0));
  }

  /** Whether the whole interval lies outside [1 − band, 1 + band]. */
  static boolean beyondBand(PairedRatio r) {
    return r.ciLow() > 1 + BAND || r.ciHigh() < 1 - BAND;
  }

  private static boolean beyondInDirection(PairedRatio r, int direction) {
    return direction > 0 ? r.ciLow() > 1 + BAND : r.ciHigh() < 1 - BAND;
  }

  /** Whether {@code control}'s interval lies wholly on the near-1 side of {@code latency}'s. */
  private static boolean separated(PairedRatio latency, PairedRatio control, int direction) {
    return direction > 0 ? control.ciHigh() < latency.ciLow() : control.ciLow() > latency.ciHigh();
  }

  /**
   * The slowdown left once the control's part is taken out, latency / control: the two log ratios'
   * standard errors combined as independent errors, with Satterthwaite's degrees of freedom for the
   * t quantile (each ratio keeps its own; backing them out of the interval's ends with 1.96 would
   * overstate them by t/1.96, and so the residual's interval, when the rounds were few).
   */
  static PairedRatio residual(PairedRatio latency, PairedRatio control) {
    double estimate = Math.log(latency.ratio()) - Math.log(control.ratio());
    double[] variances = {latency.logSe() * latency.logSe(), control.logSe() * control.logSe()};
    double df = StudentT.satterthwaite(variances, new double[] {latency.df(), control.df()});
    return PairedRatio.ofLog(
        estimate, Math.sqrt(variances[0] + variances[1]), df, Math.min(latency.pairs(), control.pairs()), CONFIDENCE);
  }
}
