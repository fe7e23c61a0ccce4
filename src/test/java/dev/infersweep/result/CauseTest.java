package dev.infersweep.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.infersweep.stats.PairedRatio;
import dev.infersweep.stats.StudentT;
import org.junit.jupiter.api.Test;

/** The cause rules of docs/analysis.md on hand-made intervals. */
class CauseTest {
  /** A ratio with its interval from 40 rounds (39 degrees of freedom). */
  private static PairedRatio r(double ratio, double low, double high) {
    double df = 39;
    return new PairedRatio(ratio, low, high, 40, Math.log(high / low) / (2 * StudentT.quantile(0.95, df)), df);
  }

  private static final PairedRatio ONE = r(1.0, 0.99, 1.01);
  private static final PairedRatio SLOW = r(9.4, 9.2, 9.6);

  private static Controls controls(PairedRatio zeroed, PairedRatio rescaled, PairedRatio aa, PairedRatio aaLatency) {
    return withoutFlushTwin(zeroed, rescaled, aa, aaLatency, java.util.List.of(0, 0), true, null);
  }

  /** Controls of a row whose flush twin was not timed. */
  private static Controls withoutFlushTwin(
      PairedRatio zeroed, PairedRatio rescaled, PairedRatio aa, PairedRatio aaLatency,
      java.util.List<Integer> exponents, boolean complete, String note) {
    return new Controls(zeroed, rescaled, aa, aaLatency, exponents, complete, note, null, null, "not timed");
  }

  @Test
  void noEffectBeyondTheBandHasNoCause() {
    assertThat(Cause.of(r(1.015, 1.005, 1.025), controls(ONE, ONE, ONE, ONE))).isEqualTo(Cause.NONE);
    assertThat(Cause.of(ONE, null)).isEqualTo(Cause.NONE);
  }

  @Test
  void zeroingTheSubnormalWeightsThatRestoresTheSpeedIsTheCause() {
    // The SGD case of issue 13: zeroed ratio 9.4 as well, rescale twin restores too.
    assertThat(Cause.of(SLOW, controls(r(9.45, 9.3, 9.6), ONE, ONE, SLOW))).isEqualTo(Cause.SUBNORMAL_WEIGHTS);
  }

  @Test
  void onlyTheRescaleTwinRestoringItIsSubnormalArithmetic() {
    // The Adam case: zeroing changes nothing, the rescale twin runs at epoch-0 speed.
    assertThat(Cause.of(r(2.4, 2.3, 2.5), controls(ONE, r(1.0, 0.99, 1.01), ONE, r(2.4, 2.3, 2.5))))
        .isEqualTo(Cause.SUBNORMAL_ARITHMETIC);
  }

  @Test
  void anIncompleteRescaleTwinExplainsNothing() {
    PairedRatio slow = r(2.4, 2.3, 2.5);
    Controls incomplete = withoutFlushTwin(ONE, ONE, ONE, slow, java.util.List.of(60, 66), false, "values span more than fp32's range");
    assertThat(Cause.of(slow, incomplete)).isEqualTo(Cause.UNEXPLAINED);
  }

  @Test
  void aCopyThatDiffersAsMuchIsPlacement() {
    assertThat(Cause.of(r(1.2, 1.15, 1.25), controls(ONE, r(1.2, 1.15, 1.25), r(0.85, 0.82, 0.88), r(1.01, 0.99, 1.03))))
        .isEqualTo(Cause.PLACEMENT);
    // Or the slowdown vanishes on fresh copies although the A/A ratio itself stays in the band.
    assertThat(Cause.of(r(1.2, 1.15, 1.25), controls(ONE, r(1.2, 1.15, 1.25), ONE, r(1.0, 0.99, 1.01))))
        .isEqualTo(Cause.PLACEMENT);
  }

  @Test
  void aSlowdownNoControlRestoresIsUnexplained() {
    assertThat(Cause.of(r(1.2, 1.15, 1.25), controls(ONE, r(1.2, 1.15, 1.25), ONE, r(1.2, 1.15, 1.25))))
        .isEqualTo(Cause.UNEXPLAINED);
    assertThat(Cause.of(SLOW, null)).isEqualTo(Cause.UNEXPLAINED);
  }

  @Test
  void aPartialRestoreIsNotACause() {
    // Zeroing takes 9.4× down to 3×: the residual is still beyond the band, so not the cause alone.
    assertThat(Cause.of(SLOW, controls(r(3.1, 3.0, 3.2), r(3.0, 2.9, 3.1), ONE, SLOW))).isEqualTo(Cause.UNEXPLAINED);
  }

  @Test
  void speedupsAreExplainedTheSameWay() {
    // Faster after training (the AMD SGD case, 0.94): the zeroed copy is as much faster.
    PairedRatio fast = r(0.94, 0.93, 0.95);
    assertThat(Cause.of(fast, controls(r(0.94, 0.935, 0.945), ONE, ONE, fast))).isEqualTo(Cause.SUBNORMAL_WEIGHTS);
  }

  /**
   * Few rounds (3 degrees of freedom each, t = 3.18): a slowdown of e^0.20 that zeroing takes down to
   * e^0.14 leaves e^0.06, and with the ratios' own standard errors that residual is beyond the band,
   * so zeroing is not the whole cause. A standard error backed out of the intervals' ends with 1.96
   * is t/1.96 = 1.62 times too large; the residual's interval then reaches into the band and the
   * slowdown would be blamed on the subnormal weights alone.
   */
  @Test
  void theResidualUsesTheRatiosStandardErrorsNotOnesBackedOutWithAZ() {
    PairedRatio latency = PairedRatio.ofLog(0.20, 0.01, 3, 4, 0.95);
    PairedRatio zeroed = PairedRatio.ofLog(0.14, 0.01, 3, 4, 0.95);
    PairedRatio residual = Cause.residual(latency, zeroed);
    assertThat(residual.logSe()).isCloseTo(Math.sqrt(2) * 0.01, within(1e-12));
    assertThat(residual.df()).isCloseTo(6, within(1e-9));
    assertThat(Cause.beyondBand(residual)).isTrue();
    assertThat(Cause.of(latency, controls(zeroed, null, null, null))).isEqualTo(Cause.UNEXPLAINED);

    // What the back-out with z made of the same intervals.
    double backedOut = Math.hypot(Math.log(latency.ciHigh() / latency.ciLow()), Math.log(zeroed.ciHigh() / zeroed.ciLow())) / (2 * StudentT.Z95);
    assertThat(backedOut / residual.logSe()).isCloseTo(StudentT.quantile(0.95, 3) / StudentT.Z95, within(1e-9));
    assertThat(Math.exp(0.06 - StudentT.Z95 * backedOut)).isLessThan(1.02);
  }

  private static Controls flushed(PairedRatio zeroed, PairedRatio flushed, PairedRatio latency) {
    // Issue 21's case: the rescale twin is incomplete (values span more than fp32's range).
    return new Controls(zeroed, r(1.0, 0.99, 1.01), ONE, latency, java.util.List.of(60, 66), false,
        "values span more than fp32's range", flushed, r(0.05, 0.049, 0.051), null);
  }

  @Test
  void aSlowdownFlushingRemovesWithWeightsPartlyExplainingItIsMixed() {
    // PyTorch #58220's grid: 60.5×, zeroing takes it to 13.7× (zeroed ratio 4.42), flushing to 1.0×.
    PairedRatio latency = r(60.5, 59, 62);
    assertThat(Cause.of(latency, flushed(r(4.42, 4.3, 4.5), r(1.0, 0.99, 1.01), latency))).isEqualTo(Cause.SUBNORMAL_MIXED);
    // Zeroing changes nothing, flushing restores it: subnormal arithmetic, without a complete twin.
    assertThat(Cause.of(latency, flushed(ONE, r(1.0, 0.99, 1.01), latency))).isEqualTo(Cause.SUBNORMAL_ARITHMETIC);
    // Zeroing alone restores it: subnormal weights, whatever flushing does.
    assertThat(Cause.of(latency, flushed(r(60.4, 59, 62), r(1.0, 0.99, 1.01), latency))).isEqualTo(Cause.SUBNORMAL_WEIGHTS);
  }

  @Test
  void flushingThatRemovesMostOfItIsTheDominantCauseAndLessThanHalfIsNot() {
    PairedRatio latency = r(9.4, 9.2, 9.6);
    // 9.4× → 1.3×: log 0.26 of log 2.24 left, beyond the band but far less than half.
    assertThat(Cause.of(latency, flushed(ONE, r(1.3, 1.28, 1.32), latency))).isEqualTo(Cause.SUBNORMAL_ARITHMETIC);
    // 9.4× → 4×: more than half of the log slowdown is left.
    assertThat(Cause.of(latency, flushed(ONE, r(4.0, 3.9, 4.1), latency))).isEqualTo(Cause.UNEXPLAINED);
  }

  @Test
  void aCompleteRescaleTwinWithWeightsPartlyExplainingItIsMixed() {
    PairedRatio latency = r(2.4, 2.3, 2.5);
    assertThat(Cause.of(latency, controls(r(1.5, 1.45, 1.55), r(1.0, 0.99, 1.01), ONE, latency))).isEqualTo(Cause.SUBNORMAL_MIXED);
  }

  /** Issue 21's row: 6.8× after 14 rounds, the flush twin's interval [0.1, 10.9] too wide to tell. */
  @Test
  void aSlowdownNoControlExplainsYetOrAnEstimateWhoseIntervalReachesTheBandIsUndecided() {
    PairedRatio latency = r(6.8, 6.1, 7.5);
    Controls wideFlush = flushed(r(1.37, 1.2, 1.55), r(1.07, 0.105, 10.9), latency);
    assertThat(Cause.of(latency, wideFlush)).isEqualTo(Cause.UNEXPLAINED);
    assertThat(Cause.undecided(latency, wideFlush)).isTrue();
    // Narrower, it separates from the slowdown: decided (mixed, with the weights' part).
    Controls narrowFlush = flushed(r(1.37, 1.2, 1.55), r(1.07, 0.9, 1.27), latency);
    assertThat(Cause.undecided(latency, narrowFlush)).isFalse();
    // 17× after 5 rounds, [0.83, 345]: not established, not an answer either.
    PairedRatio unsettled = r(16.9, 0.83, 345);
    assertThat(Cause.of(unsettled, controls(ONE, ONE, ONE, ONE))).isEqualTo(Cause.NONE);
    assertThat(Cause.undecided(unsettled, controls(ONE, ONE, ONE, ONE))).isTrue();
    // Within ±5 % with an interval reaching into the band: an answer (no effect worth a cause).
    assertThat(Cause.undecided(r(1.03, 0.99, 1.07), controls(ONE, ONE, ONE, ONE))).isFalse();
    assertThat(Cause.undecided(SLOW, controls(r(9.45, 9.3, 9.6), ONE, ONE, SLOW))).isFalse();
  }

  @Test
  void labelsAreLowerCase() {
    assertThat(Cause.SUBNORMAL_MIXED.label()).isEqualTo("subnormal_mixed");
    assertThat(Cause.SUBNORMAL_ARITHMETIC.label()).isEqualTo("subnormal_arithmetic");
  }
}
