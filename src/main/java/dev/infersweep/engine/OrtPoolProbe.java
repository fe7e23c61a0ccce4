package dev.infersweep.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads back whether ONNX Runtime's flush twin flushes the worker threads of a session's intra-op
 * pool, not only the calling thread. A one-node {@code y = x * x} ({@link OnnxRuntime#tinyModel})
 * over {@value #ELEMENTS} float32 values of 1e-20 (normal; each square, 1e-40, is subnormal, so 0
 * only under FTZ): ONNX Runtime splits an element-wise {@code Mul} this large over the session's pool
 * ({@code BroadcastLooper} → {@code ParallelizeSingleSpan} → {@code ThreadPool::TryParallelFor},
 * onnxruntime/core/providers/cpu/math/element_wise_ops.h), and the calling thread is flushed
 * exactly as the twin's blocks flush it ({@link FlushToZero#on()}, {@link FlushToZero#off()}), so
 * a non-zero element can only come from a pool worker that does not flush.
 *
 * <p>Two sessions, the twin's own options ({@link OnnxRuntime#options}{@code (threads, true)}) and
 * the control ({@code (threads, false)}), run in turns. The flushed one must give +0 everywhere on
 * every run; the control must give some non-zero element on some run, which proves the pool computed
 * part of the product (else the flushed runs' zeros say nothing of the workers). The verdict is
 * cached per thread count for the JVM.
 */
public final class OrtPoolProbe {
  /** 2^20 elements: far above the size at which ONNX Runtime's cost model splits a Mul. */
  static final int ELEMENTS = 1 << 20;
  /** Runs of each session at most; a control run whose worker took no chunk is retried. */
  static final int MAX_RUNS = 20;
  /** Control runs with a worker's chunk that suffice. */
  static final int RUNS_WITH_WORKER = 3;

  private static final Map<Integer, Verdict> VERDICTS = new HashMap<>();
  /** Each element: normal, its square subnormal. */
  private static final float TINY = 1e-20f;

  /**
   * What the probe saw at one thread count.
   *
   * @param runs runs of each session
   * @param flushedNonzero non-zero elements over every run of the twin's session (0 when it flushes)
   * @param controlRunsWithWorker control runs with some non-zero element: runs in which the pool computed part of the product
   */
  public record Verdict(int threads, int runs, long flushedNonzero, int controlRunsWithWorker) {
    /** Null when the twin's options flush every thread that computed; otherwise why the twin is not timed. */
    public String unavailableReason() {
      String prefix = "with " + threads + " intra-op threads, ";
      if (flushedNonzero > 0) {
        return prefix + "ONNX Runtime's session.set_denormal_as_zero did not reach its pool: with the calling thread flushed, "
            + flushedNonzero + " of " + (long) runs * ELEMENTS + " elements of 1e-20 * 1e-20 stayed subnormal over " + runs + " runs";
      }
      if (controlRunsWithWorker == 0) {
        return prefix + "the pool check proved nothing: in " + runs + " runs ONNX Runtime's pool never computed part of a "
            + ELEMENTS + "-element Mul (every element came from the flushed calling thread), so no worker was seen to flush";
      }
      return null;
    }
  }

  private OrtPoolProbe() {}

  /**
   * Why ONNX Runtime's flush twin cannot be timed at {@code threads} intra-op threads; null when the
   * probe saw every pool worker flush. Only for {@code threads} > 1, and only where {@link
   * FlushToZero#unavailableReason()} is null (the calling thread's switch is the probe's too).
   */
  public static synchronized String unavailableReason(int threads) {
    Verdict v = VERDICTS.get(threads);
    if (v == null) {
      try {
        v = probe(threads);
      } catch (OrtException | RuntimeException e) {
        return "with " + threads + " intra-op threads, ONNX Runtime's pool check failed: " + e;
      }
      VERDICTS.put(threads, v);
    }
    return v.unavailableReason();
  }

  /** The flushed and control sessions in turns, until the control showed enough worker chunks or {@link #MAX_RUNS}. */
  static Verdict probe(int threads) throws OrtException {
    byte[] mul = OnnxRuntime.tinyModel("Mul", 2);
    try (OrtSession.SessionOptions twin = OnnxRuntime.options(threads, true);
        OrtSession flushed = OnnxRuntime.environment().createSession(mul, twin);
        OrtSession.SessionOptions plain = OnnxRuntime.options(threads, false);
        OrtSession control = OnnxRuntime.environment().createSession(mul, plain);
        OnnxTensor x = OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(filled()), new long[] {ELEMENTS})) {
      long flushedNonzero = 0;
      int withWorker = 0;
      int runs = 0;
      while (runs < MAX_RUNS && withWorker < RUNS_WITH_WORKER) {
        runs++;
        flushedNonzero += nonzero(flushed, x);
        withWorker += nonzero(control, x) > 0 ? 1 : 0;
      }
      return new Verdict(threads, runs, flushedNonzero, withWorker);
    }
  }

  /** One run of {@code session} on {@code x} with the calling thread flushed as a twin's block is: its non-zero elements. */
  static long nonzero(OrtSession session, OnnxTensor x) throws OrtException {
    FloatBuffer y;
    FlushToZero.on();
    try (OrtSession.Result r = session.run(Map.of("x", x))) {
      // A copy, so the values outlive the result.
      y = ((OnnxTensor) r.get(0)).getFloatBuffer();
    } finally {
      FlushToZero.off();
    }
    long count = 0;
    while (y.hasRemaining()) {
      // Read off the bits: a float comparison under DAZ would call 1e-40 zero.
      count += (Float.floatToRawIntBits(y.get()) & 0x7fffffff) == 0 ? 0 : 1;
    }
    return count;
  }

  private static float[] filled() {
    float[] a = new float[ELEMENTS];
    java.util.Arrays.fill(a, TINY);
    return a;
  }
}
