package dev.infersweep.read;

import dev.infersweep.archive.TorchArchive;
import dev.infersweep.spec.Precision;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model file as one task read and checked it.
 *
 * @param path the file as listed
 * @param sha256 its content's SHA-256, hex
 * @param checked its tensors and served precision
 */
public record ReadFile(String path, String sha256, ModelCheck.Checked checked) {
  /** The archive's bytes: the model as served. */
  public byte[] bytes() {
    return checked.archive().bytes();
  }

  /** The same archive with every subnormal parameter and buffer value set to 0: the zeroed control. */
  public byte[] zeroedBytes() {
    return checked.archive().withSubnormalsZeroed().bytes();
  }

  public TorchArchive archive() {
    return checked.archive();
  }

  public Precision precision() {
    return checked.precision();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
