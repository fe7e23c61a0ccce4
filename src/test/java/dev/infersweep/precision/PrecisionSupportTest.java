package dev.infersweep.precision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.infersweep.spec.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrecisionSupportTest {
  @Test
  void probesInAChildJvmAndSurvivesAnAbortingPrecision() {
    Map<Precision, PrecisionSupport.Verdict> verdicts =
        PrecisionSupport.check(List.of(Precision.values()), Device.cpu());
    assertThat(verdicts).containsOnlyKeys(Precision.values());
    assertThat(verdicts.get(Precision.FP32).supported()).isTrue();
    // The brief's known-good platform runs fp64 and fp16 on CPU.
    assertThat(verdicts.get(Precision.FP64).supported()).isTrue();
    assertThat(verdicts.get(Precision.FP16).supported()).isTrue();
    PrecisionSupport.Verdict bf16 = verdicts.get(Precision.BF16);
    if (!bf16.supported()) {
      assertThat(bf16.reason()).contains("bf16").contains("cpu").doesNotContain("\n");
    }
    // Reaching this line is the point: whatever bf16 did, it did it in another process.
    assertThat(PrecisionSupport.check(List.of(Precision.BF16), Device.cpu()).get(Precision.BF16)).isEqualTo(bf16);
  }
}
