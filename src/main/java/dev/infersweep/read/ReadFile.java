package dev.infersweep.read;

import dev.infersweep.archive.ModelFormat;
import dev.infersweep.archive.StoredModel;
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
  /** The file's bytes: the model as served. */
  public byte[] bytes() {
    return checked.model().bytes();
  }

  /**
   * The same file with every subnormal value of every floating parameter, buffer or initializer set
   * to 0: the zeroed control.
   */
  public byte[] zeroedBytes() {
    return checked.model().withSubnormalsZeroed().bytes();
  }

  /** The file's tensors, read without an engine. */
  public StoredModel stored() {
    return checked.model();
  }

  /** TorchScript or ONNX: which engine times it. */
  public ModelFormat format() {
    return checked.model().format();
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
