package dev.infersweep.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.infersweep.stats.PairedRatio;
import dev.infersweep.stats.StudentT;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of the shares (docs/analysis.md, "Causes") on hand-made intervals. */
class SharesTest {
  private static final double DF = 39;

  private static PairedRatio log(double logRatio, double se) {
    return PairedRatio.ofLog(logRatio, se, DF, 40, 0.95);
  }

  private static Controls controls(PairedRatio zeroed, PairedRatio rescaled, boolean complete, PairedRatio aaLatency, PairedRatio flushed) {
    return new Controls(zeroed, rescaled, log(0, 0.01), aaLatency, List.of(0, 0), complete, complete ? null : "incomplete",
        flushed, flushed == null ? null : log(-1.0, 0.01), flushed == null ? "unavailable" : null);
  }

  @Test
  void aMixedSlowdownIsSharedOutByTheZeroedCopyAndTheFlushTwin() {
    // log L = 1.0 (2.72×); zeroing removes 0.62 of it, flushing all of it, fresh copies nothing.
    PairedRatio latency = log(1.0, 0.01);
    Shares s = Shares.of(latency, controls(log(0.62, 0.02), log(0.5, 0.01), false, log(1.0, 0.01), log(0.0, 0.01)));
    assertThat(s.arithmeticFrom()).isEqualTo("flush");
    assertThat(s.weights().estimate()).isCloseTo(0.62, within(1e-12));
    assertThat(s.arithmetic().estimate()).isCloseTo(0.38, within(1e-12));
    assertThat(s.placement().estimate()).isCloseTo(0.0, within(1e-12));
    assertThat(s.unexplained().estimate()).isCloseTo(0.0, within(1e-12));
    assertThat(s.weights().estimate() + s.arithmetic().estimate() + s.placement().estimate() + s.unexplained().estimate())
        .isCloseTo(1.0, within(1e-12));
    assertThat(s.describe()).isEqualTo("subnormal weights 62 %, subnormal arithmetic 38 %");

    // Delta method, by hand: weights z / l, d/dz = 1/l, d/dl = −z/l².
    double vz = 0.02 * 0.02;
    double vl = 0.62 * 0.62 * 0.01 * 0.01;
    assertThat(s.weights().se()).isCloseTo(Math.sqrt(vz + vl), within(1e-12));
    double df = (vz + vl) * (vz + vl) / (vz * vz / DF + vl * vl / DF);
    assertThat(s.weights().df()).isCloseTo(df, within(1e-9));
    double q = StudentT.quantile(0.95, df);
    assertThat(s.weights().ciLow()).isCloseTo(0.62 - q * Math.sqrt(vz + vl), within(1e-12));
    assertThat(s.weights().ciHigh()).isCloseTo(0.62 + q * Math.sqrt(vz + vl), within(1e-12));
    // Arithmetic 1 − f/l − z/l: d/df = d/dz = −1/l, d/dl = (f + z)/l² = 0.62.
    assertThat(s.arithmetic().se()).isCloseTo(Math.sqrt(0.01 * 0.01 + 0.02 * 0.02 + 0.62 * 0.62 * 0.01 * 0.01), within(1e-12));
    // Placement 1 − a/l: d/da = −1/l, d/dl = a/l² = 1.
    assertThat(s.placement().se()).isCloseTo(Math.sqrt(2) * 0.01, within(1e-12));
    // Unexplained f/l + a/l − 1: d/df = d/da = 1/l, d/dl = −(f + a)/l² = −1.
    assertThat(s.unexplained().se()).isCloseTo(Math.sqrt(3) * 0.01, within(1e-12));
    // Every interval holds the share that would make the four sum to 1 with the others' estimates.
    assertThat(s.arithmetic().ciLow()).isLessThan(0.38).isGreaterThan(0.3);
  }

  @Test
  void withoutFlushingACompleteRescaleTwinGivesTheArithmeticShare() {
    PairedRatio latency = log(0.8, 0.01);
    Shares s = Shares.of(latency, controls(log(0.2, 0.01), log(0.0, 0.01), true, log(0.8, 0.01), null));
    assertThat(s.arithmeticFrom()).isEqualTo("rescale");
    assertThat(s.weights().estimate()).isCloseTo(0.25, within(1e-12));
    assertThat(s.arithmetic().estimate()).isCloseTo(0.75, within(1e-12));
    assertThat(s.unexplained().estimate()).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void withNeitherTwinTheRestIsUnexplainedAndTheArithmeticShareIsNull() {
    PairedRatio latency = log(0.8, 0.01);
    Shares s = Shares.of(latency, controls(log(0.2, 0.01), log(0.5, 0.01), false, log(0.8, 0.01), null));
    assertThat(s.arithmetic()).isNull();
    assertThat(s.arithmeticFrom()).isNull();
    assertThat(s.unexplained().estimate()).isCloseTo(0.75, within(1e-12));
    assertThat(s.weights().estimate() + s.placement().estimate() + s.unexplained().estimate()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void aRatioWithinTheBandHasNoShares() {
    assertThat(Shares.of(log(0.01, 0.002), controls(log(0, 0.01), log(0, 0.01), true, log(0.01, 0.01), log(0, 0.01)))).isNull();
  }

  @Test
  void aSpeedUpIsSharedOutTheSameWay() {
    // 0.94 after training, the zeroed copy as much faster: all of it the weights.
    PairedRatio latency = log(Math.log(0.94), 0.002);
    Shares s = Shares.of(latency, controls(log(Math.log(0.94), 0.002), log(0, 0.01), false, latency, log(0, 0.002)));
    assertThat(s.weights().estimate()).isCloseTo(1.0, within(1e-12));
    assertThat(s.arithmetic().estimate()).isCloseTo(0.0, within(1e-12));
  }
}
