package dev.infersweep.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoppingRuleTest {
  @Test
  void warmupIsNotSettledWhileMediansStillFall() {
    double[] falling = {200, 180, 160, 140, 120, 100, 90, 80, 70, 60};
    assertThat(StoppingRule.settled(falling, 10, 5, 0.02)).isFalse();
  }

  @Test
  void warmupSettlesOnceTwoWindowsAgree() {
    double[] flat = {300, 250, 101, 100, 99, 100, 101, 100, 100, 99, 101, 100};
    assertThat(StoppingRule.settled(flat, 12, 5, 0.02)).isTrue();
    // Too few blocks for two windows yet.
    assertThat(StoppingRule.settled(flat, 9, 5, 0.02)).isFalse();
  }

  @Test
  void preciseNeedsEnoughBlocksAndANarrowInterval() {
    PairedRatio narrow = PairedRatio.ofLog(0, 0.005 / 2.045, 29, 30, 0.95);
    PairedRatio wide = PairedRatio.ofLog(0, 0.05 / 2.045, 29, 30, 0.95);
    PairedRatio early = PairedRatio.ofLog(0, 0.001 / 2.776, 4, 5, 0.95);
    assertThat(StoppingRule.precise(narrow, 20, 0.01)).isTrue();
    assertThat(StoppingRule.precise(wide, 20, 0.01)).isFalse();
    assertThat(StoppingRule.precise(early, 20, 0.01)).isFalse();
  }
}
