package dev.infersweep.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void matchesNumpyDefaultPercentiles() {
    // numpy.percentile([1..10], [50, 90, 99]) = 5.5, 9.1, 9.91; mean 5.5; std(ddof=1) 3.0276503540974917
    long[] samples = {10, 3, 1, 7, 2, 9, 4, 8, 6, 5};
    LatencyStats stats = LatencyStats.of(samples);
    assertThat(stats.p50Nanos()).isCloseTo(5.5, within(1e-12));
    assertThat(stats.p90Nanos()).isCloseTo(9.1, within(1e-12));
    assertThat(stats.p99Nanos()).isCloseTo(9.91, within(1e-12));
    assertThat(stats.meanNanos()).isCloseTo(5.5, within(1e-12));
    assertThat(stats.stdNanos()).isCloseTo(3.0276503540974917, within(1e-12));
    assertThat(stats.count()).isEqualTo(10);
  }

  @Test
  void leavesTheCallersArrayAlone() {
    long[] samples = {3, 1, 2};
    LatencyStats.of(samples);
    assertThat(samples).containsExactly(3, 1, 2);
  }

  @Test
  void singleSampleHasZeroSpread() {
    LatencyStats stats = LatencyStats.of(new long[] {42});
    assertThat(stats.p99Nanos()).isEqualTo(42);
    assertThat(stats.stdNanos()).isZero();
  }

  @Test
  void rejectsNoSamples() {
    assertThatThrownBy(() -> LatencyStats.of(new long[0])).hasMessageContaining("'samples'");
  }
}
