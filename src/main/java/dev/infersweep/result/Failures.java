package dev.infersweep.result;

import java.io.PrintWriter;
import java.io.StringWriter;

/** How a failure is written into a row: one line for {@code error}, the bounded stack trace for {@code error_trace}. */
public final class Failures {
  /** The most characters of a stack trace kept in a row. */
  public static final int MAX_TRACE_CHARS = 16_000;

  private Failures() {}

  /** One line: the exception's type and message, and the root cause's when it differs. */
  public static String describe(Throwable t) {
    StringBuilder text = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      text.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t) {
      text.append(" (caused by ").append(root.getClass().getSimpleName());
      if (root.getMessage() != null) {
        text.append(": ").append(root.getMessage().lines().findFirst().orElse(""));
      }
      text.append(')');
    }
    return text.toString();
  }

  /**
   * The full stack trace, causes included, cut to {@value #MAX_TRACE_CHARS} characters (the cut
   * says how much was left out).
   */
  public static String trace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    String trace = out.toString();
    if (trace.length() <= MAX_TRACE_CHARS) {
      return trace;
    }
    String cut = "\n… (" + (trace.length() - MAX_TRACE_CHARS) + " more characters)";
    return trace.substring(0, MAX_TRACE_CHARS - cut.length()) + cut;
  }
}
