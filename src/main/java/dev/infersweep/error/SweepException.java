package dev.infersweep.error;

/**
 * An error that the user can act on, with its {@link Kind}. The message is one line; only the
 * command line maps kinds to exit codes, so lower layers never name exit codes or CLI flags.
 */
public class SweepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms the command line answers with an exit code. */
  public enum Kind {
    /** Bad usage, grid or query: nothing was run or written. */
    USAGE,
    /** Reading or writing results failed. */
    IO,
    /** Another writer, a stale lock or a changed grid stands in the way. */
    CONFLICT
  }

  private final Kind kind;

  public SweepException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public SweepException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Creates an I/O error. */
  public static SweepException io(String message, Throwable cause) {
    return new SweepException(Kind.IO, message, cause);
  }

  public Kind kind() {
    return kind;
  }
}
