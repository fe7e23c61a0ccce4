package dev.infersweep.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the command line prints, caught for one test: System.out and System.err are swapped for
 * buffers before each test and put back after it. Register it as an instance field
 * ({@code @RegisterExtension final ConsoleCapture console = new ConsoleCapture();}).
 */
public final class ConsoleCapture implements BeforeEachCallback, AfterEachCallback {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private PrintStream savedOut;

  @Override
  public void beforeEach(ExtensionContext context) {
    savedErr = System.err;
    savedOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.setErr(savedErr);
    System.setOut(savedOut);
  }

  /** Everything printed to System.err so far in this test. */
  public String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Forgets what was printed so far (a test that checks two commands' output one after the other). */
  public void reset() {
    err.reset();
    out.reset();
  }

  /** Everything printed to System.out so far in this test. */
  public String out() {
    return out.toString(StandardCharsets.UTF_8);
  }
}
