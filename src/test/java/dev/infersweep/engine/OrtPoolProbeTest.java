package dev.infersweep.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's flush twin at 2 intra-op threads, read back per pool worker: with the calling thread
 * flushed as the twin's blocks flush it, the twin's session ({@code session.set_denormal_as_zero})
 * gives +0 for every square of 1e-20, and a session without the option gives some subnormal element
 * (a worker that does not flush), which shows the probe can see an unflushed worker.
 */
class OrtPoolProbeTest {
  /** Runs of the control before concluding that its worker never took a chunk. */
  private static final int TRIES = 50;

  private interface Body {
    void run(OrtSession flushed, OrtSession control, OnnxTensor x) throws Exception;
  }

  /** Runs {@code body} with both sessions at 2 threads, libtorch's count at 1 as a task has it. */
  private static void withSessions(Body body) throws Exception {
    DjlRuntime.engine();
    try (DjlRuntime.IntraOpThreads scope = DjlRuntime.intraOpThreads(1)) {
      assumeTrue(FlushToZero.unavailableReason() == null, "flush-to-zero unavailable: " + FlushToZero.unavailableReason());
      byte[] mul = OnnxRuntime.tinyModel("Mul", 2);
      float[] values = new float[OrtPoolProbe.ELEMENTS];
      Arrays.fill(values, 1e-20f);
      try (OrtSession.SessionOptions twin = OnnxRuntime.options(2, true);
          OrtSession flushed = OnnxRuntime.environment().createSession(mul, twin);
          OrtSession.SessionOptions plain = OnnxRuntime.options(2, false);
          OrtSession control = OnnxRuntime.environment().createSession(mul, plain);
          OnnxTensor x = OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(values), new long[] {values.length})) {
        body.run(flushed, control, x);
      }
    }
  }

  @Test
  void theTwinsSessionFlushesItsWorkerAndTheCallerOnlySessionDoesNot() throws Exception {
    withSessions((flushed, control, x) -> {
      List<Long> controlNonzero = new ArrayList<>();
      for (int i = 0; i < TRIES && (controlNonzero.isEmpty() || controlNonzero.get(controlNonzero.size() - 1) == 0); i++) {
        assertThat(OrtPoolProbe.nonzero(flushed, x)).as("non-zero elements of the twin's session, run %d", i + 1).isZero();
        controlNonzero.add(OrtPoolProbe.nonzero(control, x));
      }
      assertThat(controlNonzero).as("non-zero elements of the caller-only session per run: its worker computed unflushed")
          .anyMatch(n -> n > 0);
      // The calling thread is restored: Java's own subnormal product is subnormal again.
      assertThat(FlushToZero.javaArithmeticFlushes()).isFalse();
    });
  }

  @Test
  void theCallerOnlySessionsNonzeroElementsAreSubnormalSquares() throws Exception {
    withSessions((flushed, control, x) -> {
      // Without the caller flushed either, every element is the subnormal 1e-40: the zeros above are flushing's.
      try (OrtSession.Result r = control.run(java.util.Map.of("x", x))) {
        FloatBuffer y = ((OnnxTensor) r.get(0)).getFloatBuffer();
        assertThat(y.get(0)).isNotZero().isLessThan(Float.MIN_NORMAL);
        assertThat(y.get(OrtPoolProbe.ELEMENTS - 1)).isEqualTo(y.get(0));
      }
    });
  }

  @Test
  void theProbesVerdictAtTwoThreadsIsThatThePoolFlushes() {
    DjlRuntime.engine();
    try (DjlRuntime.IntraOpThreads scope = DjlRuntime.intraOpThreads(1)) {
      assumeTrue(FlushToZero.unavailableReason() == null, "flush-to-zero unavailable: " + FlushToZero.unavailableReason());
      assertThat(OrtPoolProbe.unavailableReason(2)).isNull();
    }
  }

  @Test
  void aVerdictSaysWhatFailed() {
    assertThat(new OrtPoolProbe.Verdict(2, 3, 0, 3).unavailableReason()).isNull();
    assertThat(new OrtPoolProbe.Verdict(2, 3, 512, 3).unavailableReason())
        .isEqualTo("with 2 intra-op threads, ONNX Runtime's session.set_denormal_as_zero did not reach its pool: with the calling"
            + " thread flushed, 512 of 3145728 elements of 1e-20 * 1e-20 stayed subnormal over 3 runs");
    assertThat(new OrtPoolProbe.Verdict(2, 20, 0, 0).unavailableReason()).startsWith("with 2 intra-op threads, the pool check proved nothing");
  }
}
