package dev.infersweep.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedRatioTest {
  @Test
  void exactRatioGivesAZeroWidthInterval() {
    double[] a = {110, 220, 330, 440};
    double[] b = {100, 200, 300, 400};
    PairedRatio r = PairedRatio.estimate(a, b, 4, 0.95, 1);
    assertThat(r.ratio()).isCloseTo(1.1, within(1e-12));
    assertThat(r.ciLow()).isCloseTo(1.1, within(1e-12));
    assertThat(r.ciHigh()).isCloseTo(1.1, within(1e-12));
    assertThat(r.halfWidth()).isCloseTo(0, within(1e-12));
    assertThat(r.pairs()).isEqualTo(4);
  }

  @Test
  void estimateIsTheGeometricMeanOfPairedRatios() {
    // ratios 2 and 0.5: geometric mean 1, whereas the arithmetic mean would say 1.25.
    PairedRatio r = PairedRatio.estimate(new double[] {20, 5}, new double[] {10, 10}, 2, 0.95, 1);
    assertThat(r.ratio()).isCloseTo(1.0, within(1e-12));
    assertThat(r.ciLow()).isLessThan(1.0);
    assertThat(r.ciHigh()).isGreaterThan(1.0);
  }

  @Test
  void pairingCancelsDriftSharedByBothModels() {
    // The machine slows down tenfold over the run; the model is always 3 % slower than its reference.
    int n = 50;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      double drift = 1 + 9.0 * i / n;
      b[i] = 1000 * drift;
      a[i] = 1030 * drift;
    }
    PairedRatio r = PairedRatio.estimate(a, b, n, 0.95, 3);
    assertThat(r.ratio()).isCloseTo(1.03, within(1e-9));
    assertThat(r.halfWidth()).isLessThan(1e-9);
  }

  @Test
  void sameSeedSameInterval() {
    double[] a = {101, 99, 104, 98, 100};
    double[] b = {100, 100, 100, 100, 100};
    assertThat(PairedRatio.estimate(a, b, 5, 0.95, 42)).isEqualTo(PairedRatio.estimate(a, b, 5, 0.95, 42));
  }

  @Test
  void intervalCoversTheTrueRatioAtLeastNinetyPercentOfTheTime() {
    // Simulated block medians with a known ratio of 1.05, lognormal noise of 5 % on each block and a
    // shared random drift: the 95 % interval must cover 1.05 in at least 90 % of 200 trials.
    double truth = 1.05;
    SplittableRandom random = new SplittableRandom(2024);
    int trials = 200;
    int blocks = 20;
    int covered = 0;
    for (int t = 0; t < trials; t++) {
      double[] a = new double[blocks];
      double[] b = new double[blocks];
      double level = 10_000;
      for (int i = 0; i < blocks; i++) {
        level *= Math.exp(0.02 * random.nextGaussian());
        b[i] = level * Math.exp(0.05 * random.nextGaussian());
        a[i] = truth * level * Math.exp(0.05 * random.nextGaussian());
      }
      PairedRatio r = PairedRatio.estimate(a, b, blocks, 0.95, t);
      if (r.ciLow() <= truth && truth <= r.ciHigh()) {
        covered++;
      }
    }
    assertThat(covered).isGreaterThanOrEqualTo(180);
  }

  @Test
  void rejectsTooFewOrNonPositiveBlocks() {
    assertThatThrownBy(() -> PairedRatio.estimate(new double[] {1}, new double[] {1}, 1, 0.95, 1))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> PairedRatio.estimate(new double[] {1, 0}, new double[] {1, 1}, 2, 0.95, 1))
        .hasMessageContaining("positive");
  }
}
