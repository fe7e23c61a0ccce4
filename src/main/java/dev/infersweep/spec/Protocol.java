package dev.infersweep.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a row's latency was measured: infersweep's sound protocol, or the seed article's own. */
public enum Protocol {
  /** Paired, interleaved, warmed-up, adaptive: see docs/measurement.md. */
  RIGOROUS,
  /** The article's: no warm-up, gradients recorded, 100 calls, mean wall time, "before" cold. */
  SEED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label; null when it names no protocol. */
  public static Protocol parse(String label) {
    for (Protocol p : values()) {
      if (p.label().equals(label)) {
        return p;
      }
    }
    return null;
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(Protocol::label).toList();
  }

  @Override
  public String toString() {
    return label();
  }
}
