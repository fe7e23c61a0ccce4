package dev.infersweep.timing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void workloadIsDeterministic() {
    double[] a = new double[1 << 15];
    double[] b = new double[1 << 15];
    for (int i = 0; i < a.length; i++) {
      a[i] = b[i] = (i % 97) * 0.01;
    }
    assertThat(Calibration.workload(a)).isEqualTo(Calibration.workload(b));
    assertThat(a).containsExactly(b);
  }

  @Test
  void measuresAPositiveTime() {
    assertThat(Calibration.measureNanos()).isPositive();
  }
}
