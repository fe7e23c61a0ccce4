package dev.infersweep.error;

/**
 * A bad grid file, option or query ({@link SweepException.Kind#USAGE}). The message is one line naming
 * the file or option, the key path and what is allowed.
 */
public final class ConfigException extends SweepException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(Kind.USAGE, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(Kind.USAGE, message, cause);
  }
}
