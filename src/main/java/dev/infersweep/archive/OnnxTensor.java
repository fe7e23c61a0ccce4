package dev.infersweep.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX {@code TensorProto} of a graph's initializers, with where its values lie in the file:
 * {@code raw_data} (little-endian, the form PyTorch's exporter writes), packed or unpacked
 * {@code float_data}/{@code double_data} (fixed-width, little-endian), or {@code int32_data}/
 * {@code int64_data} varints (integers, and float16/bfloat16 bit patterns).
 */
final class OnnxTensor {
  /** The fields of TensorProto read here (onnx.proto). */
  private static final int DIMS = 1;
  private static final int DATA_TYPE = 2;
  private static final int SEGMENT = 3;
  private static final int FLOAT_DATA = 4;
  private static final int INT32_DATA = 5;
  private static final int INT64_DATA = 7;
  private static final int NAME = 8;
  private static final int RAW_DATA = 9;
  private static final int DOUBLE_DATA = 10;
  private static final int DATA_LOCATION = 14;

  final String name;
  final TensorType type;
  final List<Long> dims;
  /** Each element's byte offset (fixed-width and raw values) or varint's offset, in file order. */
  final long[] offsets;
  /** Each varint's length; null when the values are fixed-width little-endian. */
  final int[] varintLengths;
  final long[] varintValues;

  private OnnxTensor(String name, TensorType type, List<Long> dims, long[] offsets, int[] lengths, long[] values) {
    this.name = name;
    this.type = type;
    this.dims = dims;
    this.offsets = offsets;
    this.varintLengths = lengths;
    this.varintValues = values;
  }

  /** Parses the TensorProto in {@code field}; refuses what cannot be read from the file alone. */
  static OnnxTensor parse(byte[] b, Protobuf.Field field, int index) throws ArchiveException {
    Protobuf p = new Protobuf(b, field.offset(), field.length());
    String name = "initializer " + index;
    int dataType = 0;
    List<Long> dims = new ArrayList<>();
    List<Protobuf.Field> data = new ArrayList<>();
    while (p.hasNext()) {
      Protobuf.Field f = p.next();
      switch (f.number()) {
        case DIMS -> {
          if (f.wireType() == Protobuf.BYTES) {
            for (long[] v : Protobuf.packedVarints(b, f)) {
              dims.add(v[2]);
            }
          } else {
            dims.add(f.varint());
          }
        }
        case DATA_TYPE -> dataType = (int) f.varint();
        case NAME -> name = Protobuf.text(b, f);
        case SEGMENT -> throw new ArchiveException(name + " is a segment of a larger tensor, which is not read");
        case DATA_LOCATION -> {
          if (f.varint() != 0) {
            throw new ArchiveException(name + "'s values are stored in an external file; a self-contained .onnx file"
                + " is needed (save it without external data)");
          }
        }
        case FLOAT_DATA, INT32_DATA, INT64_DATA, RAW_DATA, DOUBLE_DATA -> data.add(f);
        default -> {
          // doc_string, external_data keys without a location, metadata: nothing to count.
        }
      }
    }
    TensorType type = type(name, dataType);
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new ArchiveException(name + " has a negative dimension " + d);
      }
      count = Math.multiplyExact(count, d);
    }
    return located(b, name, type, dims, count, data);
  }

  private static OnnxTensor located(byte[] b, String name, TensorType type, List<Long> dims, long count,
      List<Protobuf.Field> data) throws ArchiveException {
    List<Long> offsets = new ArrayList<>();
    List<long[]> varints = new ArrayList<>();
    for (Protobuf.Field f : data) {
      if (f.number() == RAW_DATA || (f.wireType() == Protobuf.BYTES && (f.number() == FLOAT_DATA || f.number() == DOUBLE_DATA))) {
        requireWidth(name, type, f);
        int width = type.bytes();
        if (f.length() % width != 0) {
          throw new ArchiveException(name + ": " + f.length() + " bytes of data are not a whole number of "
              + width + "-byte values");
        }
        for (int at = f.offset(); at < f.offset() + f.length(); at += width) {
          offsets.add((long) at);
        }
      } else if (f.wireType() == Protobuf.FIXED32 || f.wireType() == Protobuf.FIXED64) {
        requireWidth(name, type, f);
        offsets.add((long) f.offset());
      } else if (f.wireType() == Protobuf.BYTES) {
        varints.addAll(List.of(Protobuf.packedVarints(b, f)));
      } else {
        varints.add(new long[] {f.offset() - varintLength(f.varint()), varintLength(f.varint()), f.varint()});
      }
    }
    if (!offsets.isEmpty() && !varints.isEmpty()) {
      throw new ArchiveException(name + " holds its values in two forms at once");
    }
    long found = offsets.size() + varints.size();
    if (found != count) {
      throw new ArchiveException(name + " has shape " + dims + " (" + count + " values) but holds " + found);
    }
    if (varints.isEmpty()) {
      return new OnnxTensor(name, type, dims, offsets.stream().mapToLong(Long::longValue).toArray(), null, null);
    }
    if (type == TensorType.FLOAT32 || type == TensorType.FLOAT64) {
      throw new ArchiveException(name + " holds " + type.label() + " values as integers");
    }
    long[] at = new long[varints.size()];
    int[] lengths = new int[varints.size()];
    long[] values = new long[varints.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = varints.get(i)[0];
      lengths[i] = (int) varints.get(i)[1];
      values[i] = varints.get(i)[2];
    }
    return new OnnxTensor(name, type, dims, at, lengths, values);
  }

  /** float_data holds float32 values, double_data float64 ones (onnx.proto); anything else is malformed. */
  private static void requireWidth(String name, TensorType type, Protobuf.Field f) throws ArchiveException {
    if ((f.number() == FLOAT_DATA && type != TensorType.FLOAT32) || (f.number() == DOUBLE_DATA && type != TensorType.FLOAT64)) {
      throw new ArchiveException(name + " is " + type.label() + " but holds its values in "
          + (f.number() == FLOAT_DATA ? "float_data" : "double_data"));
    }
  }

  private static int varintLength(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** ONNX's TensorProto.DataType as a stored type; refuses strings, complex, unsigned wide and 8-bit floats. */
  static TensorType type(String name, int dataType) throws ArchiveException {
    return switch (dataType) {
      case 1 -> TensorType.FLOAT32;
      case 2 -> TensorType.UINT8;
      case 3 -> TensorType.INT8;
      case 5 -> TensorType.INT16;
      case 6 -> TensorType.INT32;
      case 7 -> TensorType.INT64;
      case 9 -> TensorType.BOOL;
      case 10 -> TensorType.FLOAT16;
      case 11 -> TensorType.FLOAT64;
      case 16 -> TensorType.BFLOAT16;
      default -> throw new ArchiveException(name + " has ONNX data type " + dataType
          + ", which is not read (float, double, float16, bfloat16 and the signed integers, uint8 and bool are)");
    };
  }

  int count() {
    return offsets.length;
  }

  /** Whether element {@code i} is subnormal in its type. */
  boolean subnormal(byte[] b, int i) {
    if (varintLengths == null) {
      return Elements.subnormal(type, b, (int) offsets[i]);
    }
    int bits = (int) varintValues[i] & 0xFFFF;
    return switch (type) {
      case FLOAT16 -> (bits & 0x7c00) == 0 && (bits & 0x03ff) != 0;
      case BFLOAT16 -> (bits & 0x7f80) == 0 && (bits & 0x007f) != 0;
      default -> false;
    };
  }

  /** Element {@code i}'s magnitude as a double. */
  double abs(byte[] b, int i) {
    if (varintLengths == null) {
      return Elements.abs(type, b, (int) offsets[i]);
    }
    long v = varintValues[i];
    return Math.abs(switch (type) {
      case FLOAT16 -> Elements.half((int) v & 0xFFFF);
      case BFLOAT16 -> (double) Float.intBitsToFloat(((int) v & 0xFFFF) << 16);
      case INT64 -> (double) v;
      default -> (double) (int) v;
    });
  }

  /** Sets element {@code i} to +0 in {@code out} without changing any length (a varint is padded). */
  void zero(byte[] out, int i) {
    int at = (int) offsets[i];
    if (varintLengths == null) {
      java.util.Arrays.fill(out, at, at + type.bytes(), (byte) 0);
      return;
    }
    // A varint of 0 padded to its old length (0x80 … 0x00) decodes as 0 in every protobuf reader.
    java.util.Arrays.fill(out, at, at + varintLengths[i] - 1, (byte) 0x80);
    out[at + varintLengths[i] - 1] = 0;
  }

  /** What the sweep records of it. */
  StoredTensor stored(byte[] b) {
    long subnormals = 0;
    long zeros = 0;
    double max = 0;
    double squares = 0;
    for (int i = 0; i < count(); i++) {
      subnormals += subnormal(b, i) ? 1 : 0;
      double abs = abs(b, i);
      zeros += abs == 0 ? 1 : 0;
      squares += abs * abs;
      if (Double.isNaN(abs) || abs > max) {
        max = Double.isNaN(max) ? max : abs;
      }
    }
    return new StoredTensor(name, TensorKind.INITIALIZER, type, dims, count(), subnormals, max, zeros, squares);
  }
}
