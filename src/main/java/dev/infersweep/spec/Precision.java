package dev.infersweep.spec;

import ai.djl.ndarray.types.DataType;
import java.util.List;

/** An inference precision: trained fp32 weights and the inputs are cast to it for measurement. */
public enum Precision {
  FP32(DataType.FLOAT32, Float.MIN_NORMAL, Float.MAX_VALUE),
  FP64(DataType.FLOAT64, Double.MIN_NORMAL, Double.MAX_VALUE),
  /** IEEE half: smallest normal 2^-14, largest finite 65504. */
  FP16(DataType.FLOAT16, 6.103515625e-5, 65504),
  /** bfloat16 keeps fp32's exponent range, so fp32's smallest normal and (about) its largest value. */
  BF16(DataType.BFLOAT16, Float.MIN_NORMAL, Float.MAX_VALUE);

  private final DataType dataType;
  private final double minNormal;
  private final double maxFinite;

  Precision(DataType dataType, double minNormal, double maxFinite) {
    this.dataType = dataType;
    this.minNormal = minNormal;
    this.maxFinite = maxFinite;
  }

  /** The smallest positive normal number: non-zero magnitudes below it are subnormal. */
  public double minNormal() {
    return minNormal;
  }

  /** The largest finite value. */
  public double maxFinite() {
    return maxFinite;
  }

  /** The largest e for which 2^−e is still a normal number (126 in fp32, 14 in fp16). */
  public int normalExponents() {
    return -Math.getExponent(minNormal);
  }

  /** Whether {@code value}, already representable in this precision, is subnormal in it. */
  public boolean isSubnormal(double value) {
    return value != 0 && Math.abs(value) < minNormal;
  }

  /** The precision of a DJL data type; null for types that are none of these. */
  public static Precision of(DataType type) {
    for (Precision p : values()) {
      if (p.dataType == type) {
        return p;
      }
    }
    return null;
  }

  /** The name used in grid files and result rows: {@code fp32}, {@code fp64}, {@code fp16}, {@code bf16}. */
  public String label() {
    return Labels.of(this);
  }

  public DataType dataType() {
    return dataType;
  }

  /** Parses a label; null when it names no precision. */
  public static Precision parse(String label) {
    return Labels.parse(Precision.class, label);
  }

  public static List<String> labels() {
    return Labels.all(Precision.class);
  }

  @Override
  public String toString() {
    return label();
  }

  /**
   * Why a TorchScript module cannot be timed in this precision; null for fp32. DJL 0.36 cannot cast
   * a TorchScript module: {@code PtSymbolBlock.cast} is {@code AbstractBaseBlock}'s, which throws
   * "Not implemented yet.", and its JNI has no module-wide {@code to(dtype)} (only {@code to(device)}
   * at load); a parameter's dtype cannot be changed in place either.
   */
  public String torchScriptUnservableReason() {
    return this == FP32
        ? null
        : "DJL 0.36 cannot cast a TorchScript module to " + dataType()
            + " (PtSymbolBlock.cast is not implemented); a TorchScript model is timed in fp32 only";
  }
}
