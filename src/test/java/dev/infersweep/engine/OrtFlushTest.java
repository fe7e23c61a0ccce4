package dev.infersweep.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's {@code session.set_denormal_as_zero} and the calling thread: with one intra-op
 * thread every kernel runs on the caller, which the option (applied to it once per process, by the
 * first session, a plain one here) does not reach; the flush hook does, for exactly its block.
 */
class OrtFlushTest {
  /** 1e-20 × 1e-20 = 1e-40: subnormal in float32, 0 with FTZ. */
  private static float product(OrtSession session) throws Exception {
    try (OnnxTensor x = OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(new float[] {1e-20f}), new long[] {1});
        OrtSession.Result r = session.run(Map.of("x", x))) {
      return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
    }
  }

  @Test
  void theOptionAloneDoesNotFlushTheCallingThreadAndTheHookDoes() throws Exception {
    DjlRuntime.engine();
    // The switch's self-check wants libtorch at one thread, as a task has it; another test may have left two.
    int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    DjlRuntime.useThreads(1);
    try {
      assumeTrue(FlushToZero.unavailableReason() == null, "flush-to-zero unavailable: " + FlushToZero.unavailableReason());
      check();
    } finally {
      DjlRuntime.useThreads(threads);
    }
  }

  private static void check() throws Exception {
    byte[] mul = OnnxRuntime.tinyModel("Mul", 2);
    try (OrtSession.SessionOptions flushed = OnnxRuntime.options(1, true);
        OrtSession session = OnnxRuntime.environment().createSession(mul, flushed);
        OrtSession.SessionOptions plain = OnnxRuntime.options(1, false);
        OrtSession other = OnnxRuntime.environment().createSession(mul, plain)) {
      assertThat(flushed.getConfigEntries()).containsEntry(OnnxRuntime.DENORMAL_AS_ZERO, "1");
      float alone = product(session);
      assertThat(alone).as("the option alone, one thread").isNotZero().isLessThan(Float.MIN_NORMAL);
      FlushToZero.on();
      float hooked;
      try {
        hooked = product(session);
      } finally {
        FlushToZero.off();
      }
      assertThat(hooked).as("with the hook").isZero();
      assertThat(product(session)).as("after the block").isEqualTo(alone);
      assertThat(product(other)).as("a plain session").isEqualTo(alone);
    }
  }
}
