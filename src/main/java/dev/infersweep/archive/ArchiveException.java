package dev.infersweep.archive;

/** The bytes are not a TorchScript archive this reader understands; the message says what is wrong, in one line. */
public final class ArchiveException extends Exception {
  private static final long serialVersionUID = 1L;

  public ArchiveException(String message) {
    super(message);
  }

  public ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
