package dev.infersweep.timing;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * Times single inference calls. Each sample covers the forward pass and copying its output into a
 * Java buffer: the copy materialises the result (and on a GPU waits for it) before the clock stops.
 */
public final class LatencyTimer {
  private LatencyTimer() {}

  /**
   * Runs {@code warmup} untimed calls, then {@code iterations} timed ones.
   *
   * @param model one inference call; the timer closes the array it returns
   * @return per-call latencies in nanoseconds, in call order
   */
  public static long[] sample(
      UnaryOperator<NDArray> model, NDArray input, int warmup, int iterations) {
    for (int i = 0; i < warmup; i++) {
      call(model, input);
    }
    long[] samples = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      call(model, input);
      samples[i] = System.nanoTime() - start;
    }
    return samples;
  }

  private static void call(UnaryOperator<NDArray> model, NDArray input) {
    // Native calls are never elided by the JIT; the copy is the materialisation.
    try (NDArray out = model.apply(input)) {
      out.toByteBuffer();
    }
  }
}
