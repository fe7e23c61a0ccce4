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

  @Override
  void close();
}
