package dev.infersweep.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RestoresIntraOpThreads.class)
class FlushToZeroTest {
  private static volatile float subnormal = 2.9e-39f;

  private static float torchProduct() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray a = manager.create(new float[] {1e-20f});
      return a.mul(manager.create(new float[] {1e-20f})).toFloatArray()[0];
    }
  }

  @Test
  void libtorchsSwitchFlushesTheCallingThreadAndIsRestored() {
    DjlRuntime.useThreads(1);
    assertThat(FlushToZero.unavailableReason()).isNull();
    assertThat(torchProduct()).isNotZero();
    FlushToZero.on();
    float flushedTorch;
    boolean flushedJava;
    try {
      flushedTorch = torchProduct();
      flushedJava = FlushToZero.javaArithmeticFlushes();
    } finally {
      FlushToZero.off();
    }
    assertThat(flushedTorch).isZero();
    assertThat(flushedJava).isTrue();
    // Off again: Java's own subnormal product and libtorch's are subnormal, not 0.
    assertThat(subnormal * 0.5f).isNotZero().isLessThan(Float.MIN_NORMAL);
    assertThat(torchProduct()).isNotZero();
  }

  @Test
  void moreThanOneIntraOpThreadIsRefusedWithTheReason() {
    try {
      DjlRuntime.useThreads(2);
      assertThat(FlushToZero.unavailableReason()).contains("2 intra-op threads");
    } finally {
      DjlRuntime.useThreads(1);
    }
  }
}
