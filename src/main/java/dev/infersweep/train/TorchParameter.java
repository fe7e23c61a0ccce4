package dev.infersweep.train;

import java.util.Arrays;

/**
 * One floating parameter of a TorchScript module, copied out of it: its name in the module (as
 * {@code named_parameters()} gives it, such as {@code conv.weight}), its shape and its values in
 * row-major order. A checkpoint of a TorchScript model is the list of these; the arrays are the
 * record's own (copied in and out).
 */
public record TorchParameter(String name, long[] shape, float[] values) implements java.io.Serializable {
  public TorchParameter {
    shape = shape.clone();
    values = values.clone();
    long size = 1;
    for (long d : shape) {
      size = Math.multiplyExact(size, d);
    }
    if (size != values.length) {
      throw new IllegalArgumentException(
          name + ": " + values.length + " values for shape " + Arrays.toString(shape));
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public float[] values() {
    return values.clone();
  }

  /** How many values are subnormal in fp32 (non-zero, magnitude below {@link Float#MIN_NORMAL}). */
  public int subnormalCount() {
    int n = 0;
    for (float v : values) {
      if (isSubnormal(v)) {
        n++;
      }
    }
    return n;
  }

  /** The largest magnitude (0 for an all-zero tensor; NaN when a value is NaN). */
  public float maxAbs() {
    float max = 0f;
    for (float v : values) {
      if (Float.isNaN(v)) {
        return Float.NaN;
      }
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /** This parameter with every fp32-subnormal value replaced by 0 and every other value kept exactly. */
  public TorchParameter withSubnormalsZeroed() {
    float[] zeroed = values.clone();
    for (int i = 0; i < zeroed.length; i++) {
      if (isSubnormal(zeroed[i])) {
        zeroed[i] = 0f;
      }
    }
    return new TorchParameter(name, shape, zeroed);
  }

  static boolean isSubnormal(float v) {
    return v != 0f && Math.abs(v) < Float.MIN_NORMAL;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TorchParameter p
        && name.equals(p.name)
        && Arrays.equals(shape, p.shape)
        && Arrays.equals(values, p.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
