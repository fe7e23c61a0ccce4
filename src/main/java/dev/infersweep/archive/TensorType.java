package dev.infersweep.archive;

import java.util.Locale;
import java.util.Optional;

/**
 * The element type of a stored tensor, as PyTorch names its storages ({@code FloatStorage},
 * {@code BFloat16Storage}, …). Floating types know their smallest normal magnitude: a non-zero value
 * below it is subnormal in that type.
 */
public enum TensorType {
  FLOAT32("FloatStorage", 4, 0x1p-126),
  FLOAT64("DoubleStorage", 8, 0x1p-1022),
  FLOAT16("HalfStorage", 2, 0x1p-14),
  BFLOAT16("BFloat16Storage", 2, 0x1p-126),
  INT64("LongStorage", 8, Double.NaN),
  INT32("IntStorage", 4, Double.NaN),
  INT16("ShortStorage", 2, Double.NaN),
  INT8("CharStorage", 1, Double.NaN),
  UINT8("ByteStorage", 1, Double.NaN),
  BOOL("BoolStorage", 1, Double.NaN);

  private final String storage;
  private final int bytes;
  private final double minNormal;

  TensorType(String storage, int bytes, double minNormal) {
    this.storage = storage;
    this.bytes = bytes;
    this.minNormal = minNormal;
  }

  /** Whether values of this type can be subnormal. */
  public boolean floating() {
    return !Double.isNaN(minNormal);
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The smallest positive normal value (fp16 2^-14, fp32 and bf16 2^-126, fp64 2^-1022); NaN for integers. */
  public double minNormal() {
    return minNormal;
  }

  /** PyTorch's name: {@code float32}, {@code bfloat16}, {@code int64}, … */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type of a pickled storage class, {@code torch.FloatStorage} and the like. */
  static Optional<TensorType> ofStorage(String module, String name) {
    if (!module.equals("torch")) {
      return Optional.empty();
    }
    for (TensorType type : values()) {
      if (type.storage.equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
