package dev.infersweep.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class BadArchiveTest {
  @Test
  void notAZip() {
    assertRefused("not a TorchScript archive".getBytes(StandardCharsets.UTF_8), "not a zip file");
  }

  @Test
  void aZipWithoutDataPkl() throws Exception {
    assertRefused(zip("model/code/__torch__.py", "class M(Module):\n", ZipEntry.STORED), "without <name>/data.pkl");
  }

  @Test
  void aTruncatedArchive() {
    byte[] bytes = Fixtures.bytes("bn_mlp.pt");
    assertRefused(Arrays.copyOf(bytes, bytes.length / 2), "truncated");
    // Cut just before the end record: the central directory is there, the end record is not.
    assertRefused(Arrays.copyOf(bytes, bytes.length - 10), "not a zip file");
  }

  @Test
  void aCompressedDataPkl() throws Exception {
    assertRefused(zip("model/data.pkl", "x".repeat(100), ZipEntry.DEFLATED), "model/data.pkl is compressed");
  }

  @Test
  void aDataPklThatIsNotAModule() throws Exception {
    // The pickle of the int 3 (protocol 2): PROTO 2, BININT1 3, STOP.
    byte[] pickle = {(byte) 0x80, 2, 'K', 3, '.'};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      storedEntry(zip, "model/data.pkl", pickle);
    }
    assertRefused(out.toByteArray(), "data.pkl holds a Integer, not a TorchScript module");
  }

  private static void assertRefused(byte[] bytes, String expected) {
    assertThatThrownBy(() -> TorchArchive.read(bytes))
        .isInstanceOf(ArchiveException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private static byte[] zip(String name, String content, int method) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      if (method == ZipEntry.STORED) {
        storedEntry(zip, name, data);
      } else {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static void storedEntry(ZipOutputStream zip, String name, byte[] data) throws Exception {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(data);
    zip.closeEntry();
  }
}
