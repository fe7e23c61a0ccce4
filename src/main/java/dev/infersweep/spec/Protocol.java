package dev.infersweep.spec;

import java.util.List;

/** How a row's latency was measured: infersweep's sound protocol, or the seed article's own. */
public enum Protocol {
  /** Paired, interleaved, warmed-up, adaptive: see docs/measurement.md. */
  RIGOROUS,
  /** The article's: no warm-up, gradients recorded, 100 calls, mean wall time, "before" cold. */
  SEED;

  public String label() {
    return Labels.of(this);
  }

  /** Parses a label; null when it names no protocol. */
  public static Protocol parse(String label) {
    return Labels.parse(Protocol.class, label);
  }

  public static List<String> labels() {
    return Labels.all(Protocol.class);
  }

  @Override
  public String toString() {
    return label();
  }
}
