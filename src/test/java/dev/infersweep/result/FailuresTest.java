package dev.infersweep.result;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void aFailureKeepsItsLineAndItsWholeTraceWithCauses() {
    Exception e = new IllegalStateException("outer\nsecond line", new ArithmeticException("root cause"));
    Outcome.Failed f = Outcome.Failed.of(e);
    assertThat(f.error()).isEqualTo("IllegalStateException: outer (caused by ArithmeticException: root cause)");
    assertThat(f.trace()).startsWith("java.lang.IllegalStateException: outer\nsecond line")
        .contains("at dev.infersweep.result.FailuresTest").contains("Caused by: java.lang.ArithmeticException: root cause");
    assertThat(new Outcome.Failed("too few rounds").errorTrace()).isNull();
  }

  @Test
  void aHugeTraceIsCutAndSaysHowMuchWasLeftOut() {
    Throwable t = new RuntimeException("bottom");
    for (int i = 0; i < 2000; i++) {
      t = new RuntimeException("level " + i, t);
    }
    String trace = Failures.trace(t);
    assertThat(trace).hasSize(Failures.MAX_TRACE_CHARS).matches("(?s).*\\n… \\(\\d+ more characters\\)$");
  }
}
