package dev.infersweep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputType;
import dev.infersweep.net.InputValues;
import java.util.List;

/**
 * Makes a model's input tensors from the Java values that drew them ({@code SyntheticData}: sample
 * after sample, each input's values after the previous input's): float32 features as they are,
 * integer ids (exact floats, {@link InputValues#MAX_ID}) converted to the model's integer type, so an
 * embedding's {@code indices} get the Long or Int it needs; one tensor per input, in order.
 */
public final class ModelInput {
  private ModelInput() {}

  /** The tensors of {@code samples} samples of {@code inputs} held in {@code values}. */
  public static NDList create(NDManager manager, float[] values, int samples, List<InputSpec> inputs) {
    if (inputs.size() == 1) {
      return new NDList(create(manager, values, batch(samples, inputs.get(0)), inputs.get(0).values()));
    }
    int width = InputSpec.size(inputs);
    NDList out = new NDList(inputs.size());
    int offset = 0;
    for (InputSpec input : inputs) {
      int size = input.size();
      float[] own = new float[Math.multiplyExact(samples, size)];
      for (int s = 0; s < samples; s++) {
        System.arraycopy(values, s * width + offset, own, s * size, size);
      }
      out.add(create(manager, own, batch(samples, input), input.values()));
      offset += size;
    }
    return out;
  }

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
   * The checks' batch of {@code samples} (at least 2) of each input: ones for floats; for ids, the
   * first sample all the lowest id and the others all the highest, so a range past an embedding's
   * size fails the check, not a run.
   */
  public static NDList extremes(NDManager manager, int samples, List<InputSpec> inputs) {
    NDList out = new NDList(inputs.size());
    for (InputSpec input : inputs) {
      Shape shape = batch(samples, input);
      InputValues v = input.values();
      if (!v.integer()) {
        out.add(manager.ones(shape));
        continue;
      }
      float[] ids = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i < input.size() ? v.low() : v.high() - 1;
      }
      out.add(create(manager, ids, shape, v));
    }
    return out;
  }

  /** {@code [samples, ...shape]}. */
  public static Shape batch(long samples, InputSpec input) {
    long[] sample = input.shape();
    long[] dims = new long[sample.length + 1];
    dims[0] = samples;
    System.arraycopy(sample, 0, dims, 1, sample.length);
    return new Shape(dims);
  }

  /** Whether any input holds integer ids. */
  public static boolean anyInteger(List<InputSpec> inputs) {
    return inputs.stream().anyMatch(i -> i.values().integer());
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
