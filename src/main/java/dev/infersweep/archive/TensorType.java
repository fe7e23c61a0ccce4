package dev.infersweep.archive;

/**
 * The element type of a stored tensor, as PyTorch names its storages ({@code FloatStorage},
 * {@code BFloat16Storage}, …). Floating types know their smallest normal magnitude: a non-zero value
 * below it is subnormal in that type.
 */
public enum TensorType {
  FLOAT32,
  FLOAT64,
  FLOAT16,
  BFLOAT16,
  INT64,
  INT32,
  INT16,
  INT8,
  UINT8,
  BOOL;

  /** Whether values of this type can be subnormal. */
  public boolean floating() {
    throw new UnsupportedOperationException("in progress");
  }

  /** Bytes per element. */
  public int bytes() {
    throw new UnsupportedOperationException("in progress");
  }

  /** The smallest positive normal value (fp16 2^-14, fp32 and bf16 2^-126, fp64 2^-1022); NaN for integers. */
  public double minNormal() {
    throw new UnsupportedOperationException("in progress");
  }

  /** PyTorch's name: {@code float32}, {@code bfloat16}, {@code int64}, … */
  public String label() {
    throw new UnsupportedOperationException("in progress");
  }
}
