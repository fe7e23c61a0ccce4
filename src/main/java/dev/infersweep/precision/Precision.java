package dev.infersweep.precision;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** An inference precision: trained fp32 weights and the inputs are cast to it for measurement. */
public enum Precision {
  FP32(DataType.FLOAT32),
  FP64(DataType.FLOAT64),
  FP16(DataType.FLOAT16),
  BF16(DataType.BFLOAT16);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  /** The name used in grid files and result rows: {@code fp32}, {@code fp64}, {@code fp16}, {@code bf16}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public DataType dataType() {
    return dataType;
  }

  /** Parses a label; null when it names no precision. */
  public static Precision parse(String label) {
    for (Precision p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    return null;
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(Precision::label).toList();
  }

  @Override
  public String toString() {
    return label();
  }
}
