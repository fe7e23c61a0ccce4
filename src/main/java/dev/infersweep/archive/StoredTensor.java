package dev.infersweep.archive;

import java.io.Serializable;
import java.util.List;

/**
 * One parameter or buffer of a saved model, as {@code state_dict()} names it ({@code 0.weight},
 * {@code bn.running_mean}), with what the sweep records of it: how many values it holds, how many of
 * them are subnormal in its own type, and its largest magnitude.
 *
 * @param shape its sizes (empty for a scalar)
 * @param subnormals non-zero values below {@link TensorType#minNormal()} of {@code type}; 0 for integers
 * @param maxAbs the largest magnitude (NaN when a value is NaN, 0 for an empty tensor); for integers, as a double
 * @param zeros values equal to zero (either sign)
 * @param sumSquares the sum of the squared values, in double
 */
public record StoredTensor(
    String name, TensorKind kind, TensorType type, List<Long> shape, long values, long subnormals, double maxAbs,
    long zeros, double sumSquares)
    implements Serializable {
  public StoredTensor {
    shape = List.copyOf(shape);
  }

  /** The share of its values that are subnormal; 0 for an empty or integer tensor. */
  public double subnormalShare() {
    return values == 0 ? 0 : (double) subnormals / values;
  }
}
