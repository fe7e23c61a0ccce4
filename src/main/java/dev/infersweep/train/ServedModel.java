package dev.infersweep.train;

import ai.djl.ndarray.NDArray;

/**
 * A model as it is timed: one call on a batch of inputs, as a server would make it. A declared
 * network's {@link InferenceModel} and a TorchScript module's fresh copy ({@link TorchScriptModel})
 * are both served; closing one frees its native memory.
 */
public interface ServedModel extends AutoCloseable {
  /** One inference call; the caller closes the output. */
  NDArray forward(NDArray input);

  /**
   * The timed call on {@code input}, prepared once per cell (outside every clock): one inference call
   * with its output copied into Java memory, so the result is materialised before the clock stops. A
   * DJL model's is {@link #forward} and a copy of the output; another engine's prepares its own input
   * tensor here, which the model frees when it closes.
   */
  default Runnable call(NDArray input) {
    return () -> {
      // Native calls are never elided by the JIT; copying the output materialises it.
      try (NDArray result = forward(input)) {
        result.toByteBuffer();
      }
    };
  }

  /** The timed call on a model's inputs: one input as {@link #call(NDArray)}; a model of several overrides it. */
  default Runnable call(ai.djl.ndarray.NDList input) {
    return call(input.singletonOrThrow());
  }

  @Override
  void close();
}
