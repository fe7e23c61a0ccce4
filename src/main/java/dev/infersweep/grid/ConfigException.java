package dev.infersweep.grid;

/**
 * A bad grid file or option. The message is one line naming the file, the key path and what is
 * allowed; the CLI prints it as is and exits with status 2.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
