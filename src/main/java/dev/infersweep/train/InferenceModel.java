package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.grid.ModelSpec;

/**
 * A checkpoint's weights cast to one inference precision and placed on a device, ready to be
 * called. Owns a child manager; close it to free the native memory.
 */
public final class InferenceModel implements AutoCloseable {
  private final NDManager manager;
  private final NDArray w1;
  private final NDArray b1;
  private final NDArray w2;
  private final NDArray b2;
  private final float scale;
  private final DataType dataType;

  public InferenceModel(NDManager parent, Device device, Weights weights, DataType dataType) {
    this.manager = parent.newSubManager(device);
    this.dataType = dataType;
    ModelSpec m = weights.model();
    this.w1 = cast(weights.fc1Weight(), new Shape(m.hidden(), m.input()));
    this.b1 = cast(weights.fc1Bias(), new Shape(m.hidden()));
    this.w2 = cast(weights.fc2Weight(), new Shape(m.output(), m.hidden()));
    this.b2 = cast(weights.fc2Bias(), new Shape(m.output()));
    this.scale = weights.scale();
  }

  /** Creates an fp32 array from {@code values} and casts it, as a trained model is cast for serving. */
  public NDArray cast(float[] values, Shape shape) {
    NDArray fp32 = manager.create(values, shape);
    if (dataType == DataType.FLOAT32) {
      return fp32;
    }
    NDArray cast = fp32.toType(dataType, false);
    fp32.close();
    return cast;
  }

  /**
   * Marks the weights as requiring gradients, as a model in training does: calls made while a
   * {@code GradientCollector} is open then record an autograd graph (the seed article's protocol).
   */
  public InferenceModel trackGradients() {
    for (NDArray w : new NDArray[] {w1, b1, w2, b2}) {
      w.setRequiresGradient(true);
    }
    return this;
  }

  /** One inference call; the caller closes the returned array. */
  public NDArray forward(NDArray x) {
    return SimpleNet.forward(x, w1, b1, w2, b2, scale, true);
  }

  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
