package dev.infersweep.net;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One input of a model: one sample's shape (without the batch dimension) and what it holds (float32
 * features or integer ids in a range). A model with several ({@code model.inputs}: ids and a mask)
 * takes them in this order; every reader (the synthetic data, the forward check, training, the timed
 * input, the probe) draws and makes them from this description.
 */
public record InputSpec(long[] shape, InputValues values) implements Serializable {
  public InputSpec {
    shape = shape.clone();
    java.util.Objects.requireNonNull(values, "values");
    if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("an input's shape needs one or more positive sizes, not " + Arrays.toString(shape));
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Values per sample: the product of the shape. */
  public int size() {
    return ReadModel.product(shape);
  }

  /** Values per sample of all {@code inputs} together, as a sample of the training set holds them. */
  public static int size(List<InputSpec> inputs) {
    return Math.toIntExact(inputs.stream().mapToLong(InputSpec::size).sum());
  }

  /** For the plan and messages, e.g. {@code [6] int64 ids in [0, 100)}. */
  public String describe() {
    return Arrays.toString(shape) + values.describe();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputSpec i && Arrays.equals(shape, i.shape) && values.equals(i.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + values.hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }
}
