package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
  /** The runs that came back are all reported, even where the listener bus had not delivered their events. */
  @Test
  void finishingPrintsTheLinesNotYetDeliveredOnce() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ProgressListener progress = new ProgressListener("g", 3, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    progress.finish(Set.of(2, 0, 1));
    progress.finish(Set.of(0, 1, 2));
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertThat(out.lines()).hasSize(3);
    assertThat(out).contains("1/3 runs done").contains("3/3 runs done (100%)");
  }
}
