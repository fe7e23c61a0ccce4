package dev.infersweep.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class StudentTTest {
  @Test
  void theZConstantIsTheNormalQuantileAndTheLimitOfT() {
    assertThat(StudentT.Z95).isCloseTo(new NormalDistribution().inverseCumulativeProbability(0.975), within(1e-12));
    assertThat(StudentT.quantile(0.95, Double.POSITIVE_INFINITY)).isEqualTo(StudentT.Z95);
    assertThat(StudentT.quantile(0.95, 1e7)).isCloseTo(StudentT.Z95, within(1e-6));
    assertThat(StudentT.quantile(0.95, 5)).isCloseTo(2.5706, within(1e-4));
    assertThat(StudentT.pValue(StudentT.quantile(0.95, 5), 5)).isCloseTo(0.05, within(1e-9));
    assertThat(StudentT.pValue(StudentT.Z95, Double.NaN)).isCloseTo(0.05, within(1e-9));
  }

  @Test
  void satterthwaiteAddsDegreesOfFreedomOfEqualTermsAndIgnoresKnownOnes() {
    assertThat(StudentT.satterthwaite(new double[] {1, 1}, new double[] {3, 3})).isCloseTo(6, within(1e-12));
    // A known variance (infinite df) adds no uncertainty of its own.
    assertThat(StudentT.satterthwaite(new double[] {1, 1}, new double[] {3, Double.POSITIVE_INFINITY}))
        .isCloseTo(12, within(1e-12));
    assertThat(StudentT.satterthwaite(new double[] {0, 0}, new double[] {3, 3})).isInfinite();
  }

  @Test
  void aPairedRatioKeepsTheStandardErrorAndDegreesOfFreedomBehindItsEnds() {
    double[] a = {10.2, 10.5, 10.1, 10.4, 10.3, 10.6};
    double[] b = {10.0, 10.1, 10.0, 10.2, 9.9, 10.1};
    PairedRatio r = PairedRatio.estimate(a, b, a.length, 0.95);
    double t = StudentT.quantile(0.95, r.df());
    assertThat(Math.log(r.ciHigh() / r.ratio())).isCloseTo(t * r.logSe(), within(1e-12));
    assertThat(Math.log(r.ratio() / r.ciLow())).isCloseTo(t * r.logSe(), within(1e-12));
    assertThat(r.df()).isBetween(1.0, a.length - 1.0);
  }
}
