package dev.infersweep.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic identifiers: the first 16 hex digits of the SHA-256 of a canonical description. */
public final class Ids {
  private Ids() {}

  /** The rule for sweep ids: they name folders and appear in queries. */
  public static boolean isValidSweepId(String id) {
    return id != null && id.matches("[A-Za-z0-9._-]{1,100}") && !id.equals(".") && !id.equals("..");
  }

  /** The identifier of {@code canonical}. */
  public static String of(String canonical) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
