package dev.infersweep.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void interpolatesLikeNumpy() {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 75, 100]) = 1, 1.75, 2.5, 3.25, 4
    double[] v = {4, 1, 3, 2};
    assertThat(Percentiles.of(v, 0)).isEqualTo(1);
    assertThat(Percentiles.of(v, 0.25)).isCloseTo(1.75, within(1e-12));
    assertThat(Percentiles.median(v)).isCloseTo(2.5, within(1e-12));
    assertThat(Percentiles.of(v, 0.75)).isCloseTo(3.25, within(1e-12));
    assertThat(Percentiles.of(v, 1)).isEqualTo(4);
    assertThat(v).containsExactly(4, 1, 3, 2);
  }

  @Test
  void mediansOfASlice() {
    long[] v = {100, 5, 1, 3, 100};
    assertThat(Percentiles.median(v, 1, 4)).isEqualTo(3);
  }

  @Test
  void rejectsEmptyAndBadQuantiles() {
    assertThatThrownBy(() -> Percentiles.of(new double[0], 0.5)).hasMessageContaining("'values'");
    assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 1.5)).hasMessageContaining("'q'");
    assertThatThrownBy(() -> Percentiles.of(new double[] {1}, Double.NaN)).hasMessageContaining("'q'");
  }
}
