package dev.infersweep.timing;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * The seed article's timing, reproduced faithfully so its artefacts can be shown: no warm-up, a fixed
 * number of calls, and the mean of the wall-clock time of the whole loop. The caller arranges the
 * rest of the article's conditions (gradient recording on, measured wherever the article measured).
 * Per-call samples are kept as well, for the spread the article does not report.
 */
public final class SeedProtocolTimer {
  /**
   * @param samples per-call nanoseconds
   * @param loopMeanNanos wall time of the whole loop divided by the number of calls (the article's figure)
   */
  public record Result(long[] samples, double loopMeanNanos) {}

  private SeedProtocolTimer() {}

  public static Result measure(UnaryOperator<NDArray> model, NDArray input, int calls) {
    long[] samples = new long[calls];
    long loopStart = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      // The article never reads the output; closing it only frees the handle.
      model.apply(input).close();
      samples[i] = System.nanoTime() - t0;
    }
    double mean = (System.nanoTime() - loopStart) / (double) calls;
    return new Result(samples, mean);
  }
}
