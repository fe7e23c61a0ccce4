package dev.infersweep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.net.InputType;
import dev.infersweep.net.InputValues;

/**
 * Makes a model's input tensor from the Java values that drew it: float32 features as they are,
 * integer ids (exact floats, {@link InputValues#MAX_ID}) converted to the model's integer type, so
 * an embedding's {@code indices} get the Long or Int it needs.
 */
public final class ModelInput {
  private ModelInput() {}

  /** A tensor of {@code shape} holding {@code values} in {@code input}'s type. */
  public static NDArray create(NDManager manager, float[] values, Shape shape, InputValues input) {
    NDArray features = manager.create(values, shape);
    if (!input.integer()) {
      return features;
    }
    NDArray ids = features.toType(dataType(input.type()), false);
    features.close();
    return ids;
  }

  /**
   * The checks' batch of {@code shape}: ones for floats; for ids, the first sample all the lowest id
   * and the others all the highest, so a range past an embedding's size fails the check, not a run.
   */
  public static NDArray extremes(NDManager manager, Shape shape, InputValues input) {
    if (!input.integer()) {
      return manager.ones(shape);
    }
    float[] ids = new float[Math.toIntExact(shape.size())];
    long perSample = shape.size() / shape.get(0);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i < perSample ? input.low() : input.high() - 1;
    }
    return create(manager, ids, shape, input);
  }

  /** The DJL type of an input type. */
  public static DataType dataType(InputType type) {
    return switch (type) {
      case FLOAT32 -> DataType.FLOAT32;
      case INT64 -> DataType.INT64;
      case INT32 -> DataType.INT32;
    };
  }
}
