package dev.infersweep.archive;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The entries of a zip held in a byte array, read from its central directory (with the zip64 end
 * record and extra fields PyTorch's writer emits), each with where its data starts in the array.
 * Only stored and deflated entries are read; encryption is refused.
 */
final class ZipEntries {
  private static final int EOCD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int LOCAL = 0x04034b50;
  private static final int DESCRIPTOR = 0x08074b50;
  static final int STORED = 0;
  static final int DEFLATED = 8;

  /** One entry: its central header's facts and its data's offset in the array. */
  record Entry(String name, int flags, int method, long compressedSize, long size, int localOffset,
      int centralOffset, int dataOffset) {
    /** Whether its CRC and sizes follow its data in a data descriptor (general purpose bit 3). */
    boolean hasDescriptor() {
      return (flags & 0x8) != 0;
    }
  }

  private final byte[] bytes;
  private final Map<String, Entry> entries;

  private ZipEntries(byte[] bytes, Map<String, Entry> entries) {
    this.bytes = bytes;
    this.entries = entries;
  }

  static ZipEntries parse(byte[] bytes) throws ArchiveException {
    int eocd = findEocd(bytes);
    long count = u16(bytes, eocd + 10);
    long offset = u32(bytes, eocd + 16);
    if (count == 0xFFFF || offset == 0xFFFFFFFFL) {
      int locator = eocd - 20;
      if (locator < 0 || i32(bytes, locator) != ZIP64_LOCATOR) {
        throw new ArchiveException("not a valid zip file: its end record asks for zip64 but has no zip64 locator");
      }
      int record = checkedInt(i64(bytes, locator + 8), bytes.length - 56, "zip64 end record offset");
      if (i32(bytes, record) != ZIP64_EOCD) {
        throw new ArchiveException("not a valid zip file: no zip64 end record where its locator says");
      }
      count = i64(bytes, record + 32);
      offset = i64(bytes, record + 48);
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    int at = checkedInt(offset, bytes.length, "central directory offset");
    for (long i = 0; i < count; i++) {
      Entry entry = central(bytes, at);
      entries.put(entry.name(), entry);
      at += 46 + u16(bytes, at + 28) + u16(bytes, at + 30) + u16(bytes, at + 32);
    }
    return new ZipEntries(bytes, entries);
  }

  private static int findEocd(byte[] bytes) throws ArchiveException {
    for (int at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xFFFF); at--) {
      if (i32(bytes, at) == EOCD) {
        return at;
      }
    }
    throw new ArchiveException("not a zip file (no end-of-central-directory record: not a TorchScript archive, or truncated)");
  }

  private static Entry central(byte[] bytes, int at) throws ArchiveException {
    if (at + 46 > bytes.length || i32(bytes, at) != CENTRAL) {
      throw new ArchiveException("not a valid zip file: no central directory header at offset " + at + " (truncated?)");
    }
    int flags = u16(bytes, at + 8);
    int method = u16(bytes, at + 10);
    int nameLength = u16(bytes, at + 28);
    int extraLength = u16(bytes, at + 30);
    if (at + 46 + nameLength + extraLength > bytes.length) {
      throw new ArchiveException("not a valid zip file: a central directory header runs past the end (truncated?)");
    }
    String name = new String(bytes, at + 46, nameLength, StandardCharsets.UTF_8);
    long[] wide = {u32(bytes, at + 24), u32(bytes, at + 20), u32(bytes, at + 42)};
    readZip64Extra(bytes, at + 46 + nameLength, extraLength, wide, name);
    if ((flags & 0x1) != 0) {
      throw new ArchiveException("zip entry " + name + " is encrypted; a TorchScript archive is not");
    }
    int local = checkedInt(wide[2], bytes.length - 30, "local header offset of " + name);
    if (i32(bytes, local) != LOCAL) {
      throw new ArchiveException("not a valid zip file: no local header for " + name + " at offset " + local);
    }
    long data = (long) local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
    if (data + wide[1] > bytes.length) {
      throw new ArchiveException("zip entry " + name + " runs past the end of the file (truncated?)");
    }
    return new Entry(name, flags, method, wide[1], wide[0], local, at, (int) data);
  }

  /** Replaces the saturated sizes and offset (size, compressed size, offset) by the zip64 extra field's. */
  private static void readZip64Extra(byte[] bytes, int at, int length, long[] wide, String name)
      throws ArchiveException {
    for (int p = at; p + 4 <= at + length; p += 4 + u16(bytes, p + 2)) {
      if (u16(bytes, p) != 0x0001) {
        continue;
      }
      int q = p + 4;
      for (int i = 0; i < wide.length; i++) {
        if (wide[i] == 0xFFFFFFFFL) {
          if (q + 8 > p + 4 + u16(bytes, p + 2)) {
            throw new ArchiveException("zip entry " + name + " has a zip64 extra field too short for its sizes");
          }
          wide[i] = i64(bytes, q);
          q += 8;
        }
      }
    }
  }

  Optional<Entry> get(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  Iterable<Entry> all() {
    return entries.values();
  }

  /** An entry's content: its stored bytes, or inflated. */
  byte[] read(Entry entry) throws ArchiveException {
    int size = checkedInt(entry.size(), Integer.MAX_VALUE - 8, "size of " + entry.name());
    if (entry.method() == STORED) {
      byte[] out = new byte[size];
      System.arraycopy(bytes, entry.dataOffset(), out, 0, (int) Math.min(size, entry.compressedSize()));
      return out;
    }
    if (entry.method() != DEFLATED) {
      throw new ArchiveException("zip entry " + entry.name() + " uses compression method " + entry.method()
          + "; only stored (0) and deflated (8) entries are read");
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(bytes, entry.dataOffset(), (int) entry.compressedSize());
      byte[] out = new byte[size];
      int n = 0;
      while (n < size && !inflater.finished() && !inflater.needsInput()) {
        n += inflater.inflate(out, n, size - n);
      }
      if (n != size) {
        throw new ArchiveException("zip entry " + entry.name() + " inflates to " + n + " bytes, not " + size);
      }
      return out;
    } catch (DataFormatException e) {
      throw new ArchiveException("zip entry " + entry.name() + " is not valid deflate data: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  /**
   * Writes an entry's CRC-32 into {@code out} (a copy of this zip): its central header, and its
   * local header, or, when the local header defers it (bit 3: PyTorch's writer streams, leaving 0
   * there), the data descriptor after its data, where readers take it from.
   */
  static void writeCrc(byte[] out, Entry entry, long crc) {
    putU32(out, entry.centralOffset() + 16, crc);
    if (!entry.hasDescriptor() || u32(out, entry.localOffset() + 14) != 0) {
      putU32(out, entry.localOffset() + 14, crc);
    }
    if (entry.hasDescriptor()) {
      int at = (int) (entry.dataOffset() + entry.compressedSize());
      putU32(out, i32(out, at) == DESCRIPTOR ? at + 4 : at, crc);
    }
  }

  private static int checkedInt(long value, long max, String what) throws ArchiveException {
    if (value < 0 || value > max) {
      throw new ArchiveException("not a valid zip file: " + what + " " + value + " is out of the file (truncated?)");
    }
    return (int) value;
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  static int i32(byte[] b, int at) {
    if (at < 0 || at + 4 > b.length) {
      return 0;
    }
    return u16(b, at) | u16(b, at + 2) << 16;
  }

  static long u32(byte[] b, int at) {
    return i32(b, at) & 0xFFFFFFFFL;
  }

  static long i64(byte[] b, int at) {
    return u32(b, at) | u32(b, at + 4) << 32;
  }

  private static void putU32(byte[] b, int at, long value) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
