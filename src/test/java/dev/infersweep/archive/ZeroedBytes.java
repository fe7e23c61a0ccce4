package dev.infersweep.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.BitSet;
import java.util.zip.CRC32;

/** Byte-for-byte checks of a zeroed archive against its original. */
final class ZeroedBytes {
  private ZeroedBytes() {}

  /**
   * Every byte that differs lies in an element that was subnormal in the original and is all zero
   * now, or in a CRC field (central header, local header or data descriptor) of a changed entry.
   */
  static void assertOnlySubnormalsAndCrcsChanged(byte[] original, byte[] zeroed) throws Exception {
    ZipEntries zip = ZipEntries.parse(original);
    BitSet allowed = new BitSet(original.length);
    for (ZipEntries.Entry entry : zip.all()) {
      allowed.set(entry.centralOffset() + 16, entry.centralOffset() + 20);
      allowed.set(entry.localOffset() + 14, entry.localOffset() + 18);
      int descriptor = (int) (entry.dataOffset() + entry.compressedSize());
      if (entry.hasDescriptor()) {
        allowed.set(descriptor, descriptor + 8);
      }
    }
    TorchArchive archive = TorchArchive.read(original);
    long changedElements = 0;
    for (int i = 0; i < original.length; i++) {
      if (original[i] != zeroed[i] && !allowed.get(i)) {
        changedElements += checkElement(zip, original, zeroed, i) ? 1 : 0;
      }
    }
    assertThat(changedElements).as("changed elements outside CRC fields").isPositive();
    assertThat(archive.subnormals()).isPositive();
  }

  /** The byte at {@code i} belongs to a storage element that was subnormal and is +0 now. */
  private static boolean checkElement(ZipEntries zip, byte[] original, byte[] zeroed, int i) throws Exception {
    for (StoredTensor t : TorchArchive.read(original).tensors()) {
      for (ZipEntries.Entry entry : zip.all()) {
        if (!entry.name().contains("/data/") || i < entry.dataOffset() || i >= entry.dataOffset() + entry.size()) {
          continue;
        }
        int width = t.type().bytes();
        int start = i - (int) ((i - entry.dataOffset()) % width);
        if (t.type().floating() && Elements.subnormal(t.type(), original, start)) {
          for (int k = start; k < start + width; k++) {
            assertThat(zeroed[k]).as("byte %d of a zeroed element", k).isZero();
          }
          return true;
        }
      }
    }
    fail("byte " + i + " changed but is neither a subnormal element nor a CRC field");
    return false;
  }

  /** Each entry's CRC in the central directory (and descriptor) is that of its content. */
  static void assertCrcsMatchContents(byte[] bytes) throws Exception {
    ZipEntries zip = ZipEntries.parse(bytes);
    for (ZipEntries.Entry entry : zip.all()) {
      CRC32 crc = new CRC32();
      crc.update(zip.read(entry));
      assertThat(ZipEntries.u32(bytes, entry.centralOffset() + 16)).as(entry.name()).isEqualTo(crc.getValue());
      if (entry.hasDescriptor()) {
        int at = (int) (entry.dataOffset() + entry.compressedSize());
        int crcAt = ZipEntries.i32(bytes, at) == 0x08074b50 ? at + 4 : at;
        assertThat(ZipEntries.u32(bytes, crcAt)).as(entry.name() + " descriptor").isEqualTo(crc.getValue());
      }
    }
  }
}
