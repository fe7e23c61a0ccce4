package dev.infersweep.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
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

  private static final List<TeamProbe.State> NONE_FLUSH = List.of(TeamProbe.State.DOES_NOT, TeamProbe.State.DOES_NOT);

  /**
   * The proof that the twin flushes every thread that computes: at 2 intra-op threads, libtorch's
   * product over 2 × 65536 values runs one chunk on each thread, and every chunk comes out 0 only if
   * that thread flushes (DAZ and FTZ). The pool exists, unflushed, before the switch.
   */
  @Test
  void theSwitchFlushesEveryWorkerOfTheTeamAndIsRestored() {
    try (DjlRuntime.IntraOpThreads threads = DjlRuntime.intraOpThreads(2)) {
      assertThat(FlushToZero.unavailableReason()).isNull();
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
      List<TeamProbe.State> during;
      FlushToZero.on();
      try {
        during = TeamProbe.states(2);
      } finally {
        FlushToZero.off();
      }
      assertThat(during).containsExactly(TeamProbe.State.FLUSHES, TeamProbe.State.FLUSHES);
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
      assertThat(FlushToZero.javaArithmeticFlushes()).isFalse();
    }
  }

  /** The same probe with the switch on the calling thread alone: the worker's chunk is not flushed, so the probe can fail. */
  @Test
  void theCallerOnlySwitchLeavesTheWorkerUnflushed() {
    try (DjlRuntime.IntraOpThreads threads = DjlRuntime.intraOpThreads(2)) {
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
      List<TeamProbe.State> during;
      FlushToZero.onCallerOnly();
      try {
        during = TeamProbe.states(2);
      } finally {
        FlushToZero.offCallerOnly();
      }
      assertThat(during).containsExactly(TeamProbe.State.FLUSHES, TeamProbe.State.DOES_NOT);
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
    }
  }

  /**
   * libgomp reuses the workers: after the team switch, with the calling thread alone switched back,
   * libtorch's next product runs its second chunk flushed, so on the very thread the switch reached
   * (a new worker would have been created by the now unflushed caller, and inherited its state).
   */
  @Test
  void libtorchsNextRegionRunsOnTheWorkersTheSwitchReached() {
    try (DjlRuntime.IntraOpThreads threads = DjlRuntime.intraOpThreads(2)) {
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
      List<TeamProbe.State> during;
      try {
        FlushToZero.on();
        FlushToZero.offCallerOnly();
        during = TeamProbe.states(2);
      } finally {
        FlushToZero.off();
      }
      assertThat(during).containsExactly(TeamProbe.State.DOES_NOT, TeamProbe.State.FLUSHES);
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
    }
  }

  /**
   * A worker created while the calling thread flushes inherits its state (POSIX: a new thread
   * inherits the floating-point environment of its creator): growing the team from 2 to 4 threads
   * with only the caller flushed gives two new flushed workers beside the old unflushed one. This is
   * why a team that libgomp rebuilds during a flushed block still runs flushed; and {@link
   * FlushToZero#off()} reaches all four.
   */
  @Test
  void workersCreatedWhileTheCallerFlushesInheritItAndOffReachesThem() {
    List<TeamProbe.State> grown;
    try (DjlRuntime.IntraOpThreads two = DjlRuntime.intraOpThreads(2)) {
      assertThat(TeamProbe.states(2)).isEqualTo(NONE_FLUSH);
      try {
        FlushToZero.onCallerOnly();
        try (DjlRuntime.IntraOpThreads four = DjlRuntime.intraOpThreads(4)) {
          grown = TeamProbe.states(4);
          FlushToZero.off();
          assertThat(TeamProbe.states(4)).containsOnly(TeamProbe.State.DOES_NOT);
        }
      } finally {
        FlushToZero.off();
      }
    }
    assertThat(grown.get(0)).isEqualTo(TeamProbe.State.FLUSHES);
    assertThat(grown.subList(1, 4)).containsExactlyInAnyOrder(
        TeamProbe.State.DOES_NOT, TeamProbe.State.FLUSHES, TeamProbe.State.FLUSHES);
  }

  /** The intra-op count is the calling thread's: another thread's setting leaves it alone. */
  @Test
  void theIntraOpCountIsTheCallingThreads() throws Exception {
    try (DjlRuntime.IntraOpThreads threads = DjlRuntime.intraOpThreads(2)) {
      int[] seen = new int[1];
      Thread other = new Thread(() -> {
        try (DjlRuntime.IntraOpThreads three = DjlRuntime.intraOpThreads(3)) {
          seen[0] = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        }
      });
      other.start();
      other.join();
      assertThat(seen[0]).isEqualTo(3);
      assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(2);
    }
  }
}
