package dev.infersweep.analysis;

import java.util.List;

/**
 * The answer to one claim of the seed article: pooled over the sweep, and per configuration.
 *
 * @param claim 1 to 5, in the order of docs/analysis.md
 * @param statement the claim in a sentence
 * @param measure what {@code estimate} is, in words
 * @param estimate the effect, as a latency factor (1 = no effect)
 * @param ciLow lower bound of its 95 % interval (NaN when there is none)
 * @param ciHigh upper bound (NaN when there is none)
 * @param units independent units behind the interval (training runs, or pairs of runs)
 * @param verdict supported, refuted or inconclusive
 * @param reason why, in a sentence (the rule that fired, or what was missing), with the count of
 *     configurations where the claim holds
 * @param configurations the same rule applied to each configuration with enough runs
 */
public record Verdict(
    int claim,
    String statement,
    String measure,
    double estimate,
    double ciLow,
    double ciHigh,
    int units,
    Answer verdict,
    String reason,
    List<ByConfiguration> configurations) {
  /** A claim's answer; its label ({@code supported}, ...) is what the tables and the page show. */
  public enum Answer {
    SUPPORTED,
    REFUTED,
    INCONCLUSIVE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
      return label();
    }
  }

  public Verdict {
    configurations = List.copyOf(configurations);
  }

  /**
   * The claim's verdict in one configuration (every setting but the seed, and for claims 2 and 3
   * but the factor compared).
   */
  public record ByConfiguration(
      String configuration, double estimate, double ciLow, double ciHigh, int units, Answer verdict) {}

  /** How many of the judged configurations the claim holds in. */
  public long supportedIn() {
    return configurations.stream().filter(c -> c.verdict() == Answer.SUPPORTED).count();
  }
}
