package dev.infersweep.archive;

import java.util.function.LongConsumer;

/**
 * Little-endian elements of a storage's bytes: each type's magnitude and whether a value is
 * subnormal in that type, decided on the bit pattern (exponent field zero, fraction non-zero) so
 * fp16 and bf16 need no conversion to be classified; and the walk over a strided view.
 */
final class Elements {
  private Elements() {}

  /** Whether the element at byte {@code at} is subnormal in {@code type}; false for integer types. */
  static boolean subnormal(TensorType type, byte[] b, int at) {
    return switch (type) {
      case FLOAT32 -> {
        int bits = ZipEntries.i32(b, at);
        yield (bits & 0x7f800000) == 0 && (bits & 0x007fffff) != 0;
      }
      case FLOAT64 -> {
        long bits = ZipEntries.i64(b, at);
        yield (bits & 0x7ff0000000000000L) == 0 && (bits & 0x000fffffffffffffL) != 0;
      }
      case FLOAT16 -> {
        int bits = ZipEntries.u16(b, at);
        yield (bits & 0x7c00) == 0 && (bits & 0x03ff) != 0;
      }
      case BFLOAT16 -> {
        int bits = ZipEntries.u16(b, at);
        yield (bits & 0x7f80) == 0 && (bits & 0x007f) != 0;
      }
      default -> false;
    };
  }

  /** The magnitude of the element at byte {@code at}, as a double (exact for every type but int64 beyond 2^53). */
  static double abs(TensorType type, byte[] b, int at) {
    return Math.abs(switch (type) {
      case FLOAT32 -> (double) Float.intBitsToFloat(ZipEntries.i32(b, at));
      case FLOAT64 -> Double.longBitsToDouble(ZipEntries.i64(b, at));
      case FLOAT16 -> half(ZipEntries.u16(b, at));
      case BFLOAT16 -> (double) Float.intBitsToFloat(ZipEntries.u16(b, at) << 16);
      case INT64 -> (double) ZipEntries.i64(b, at);
      case INT32 -> (double) ZipEntries.i32(b, at);
      case INT16 -> (double) (short) ZipEntries.u16(b, at);
      case INT8 -> (double) b[at];
      case UINT8, BOOL -> (double) (b[at] & 0xFF);
    });
  }

  /** An IEEE half's value (Java 17 has no Float.float16ToFloat). */
  static double half(int bits) {
    int exponent = (bits >>> 10) & 0x1f;
    int fraction = bits & 0x3ff;
    double magnitude;
    if (exponent == 0) {
      magnitude = fraction * 0x1p-24;
    } else if (exponent == 0x1f) {
      magnitude = fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      magnitude = Math.scalb((double) (0x400 | fraction), exponent - 25);
    }
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
  }

  /** Calls {@code element} with the storage index of every element of the view, in row-major order. */
  static void forEachIndex(long offset, long[] size, long[] stride, LongConsumer element) {
    for (long s : size) {
      if (s == 0) {
        return;
      }
    }
    int dims = size.length;
    long[] index = new long[dims];
    long at = offset;
    while (true) {
      element.accept(at);
      int d = dims - 1;
      while (d >= 0 && index[d] == size[d] - 1) {
        at -= index[d] * stride[d];
        index[d] = 0;
        d--;
      }
      if (d < 0) {
        return;
      }
      index[d]++;
      at += stride[d];
    }
  }
}
