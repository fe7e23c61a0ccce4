package dev.infersweep.archive;

/**
 * The protobuf wire format, read without a schema: a message is a run of fields, each a tag (field
 * number and wire type) and a value (a varint, 8 or 4 little-endian bytes, or a length and that many
 * bytes). Enough to walk an ONNX {@code ModelProto} and find where each value lies in the array.
 */
final class Protobuf {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int BYTES = 2;
  static final int FIXED32 = 5;

  /** One field: its number, wire type, and either its varint value or where its bytes are. */
  record Field(int number, int wireType, long varint, int offset, int length) {}

  private final byte[] b;
  private int at;
  private final int end;

  Protobuf(byte[] b, int offset, int length) throws ArchiveException {
    if (offset < 0 || length < 0 || offset + length > b.length) {
      throw new ArchiveException("a length of " + length + " at byte " + offset + " reaches past the end of the file");
    }
    this.b = b;
    this.at = offset;
    this.end = offset + length;
  }

  boolean hasNext() {
    return at < end;
  }

  /** The next field; refuses wire types ONNX does not use and lengths that leave the message. */
  Field next() throws ArchiveException {
    int tagAt = at;
    long tag = varint();
    int number = (int) (tag >>> 3);
    int type = (int) (tag & 7);
    if (number <= 0) {
      throw new ArchiveException("field number 0 at byte " + tagAt);
    }
    return switch (type) {
      case VARINT -> new Field(number, type, varint(), at, 0);
      case FIXED64 -> skip(number, type, 8);
      case FIXED32 -> skip(number, type, 4);
      case BYTES -> {
        long length = varint();
        if (length < 0 || length > end - at) {
          throw new ArchiveException("field " + number + " at byte " + tagAt + " claims " + length
              + " bytes, more than its message holds");
        }
        yield skip(number, type, (int) length);
      }
      default -> throw new ArchiveException("wire type " + type + " of field " + number + " at byte " + tagAt
          + " is not one a protobuf message holds");
    };
  }

  private Field skip(int number, int type, int length) throws ArchiveException {
    if (length > end - at) {
      throw new ArchiveException("field " + number + " at byte " + at + " reaches past the end of its message");
    }
    Field f = new Field(number, type, 0, at, length);
    at += length;
    return f;
  }

  /** A varint at the current position (at most 10 bytes). */
  long varint() throws ArchiveException {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (at >= end) {
        throw new ArchiveException("a varint at byte " + at + " runs past the end of its message");
      }
      int x = b[at++] & 0xFF;
      value |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return value;
      }
    }
    throw new ArchiveException("a varint longer than 10 bytes before byte " + at);
  }

  /** The varints packed in {@code f}'s bytes, each as [offset, length, value]. */
  static long[][] packedVarints(byte[] b, Field f) throws ArchiveException {
    Protobuf p = new Protobuf(b, f.offset(), f.length());
    java.util.List<long[]> out = new java.util.ArrayList<>();
    while (p.hasNext()) {
      int start = p.at;
      long v = p.varint();
      out.add(new long[] {start, p.at - start, v});
    }
    return out.toArray(new long[0][]);
  }

  /** The field's bytes as UTF-8 text. */
  static String text(byte[] b, Field f) {
    return new String(b, f.offset(), f.length(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
