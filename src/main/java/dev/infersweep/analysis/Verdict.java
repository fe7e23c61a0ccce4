package dev.infersweep.analysis;

/**
 * The answer to one claim of the seed article.
 *
 * @param claim 1 to 5, in the order of docs/analysis.md
 * @param statement the claim in a sentence
 * @param measure what {@code estimate} is, in words
 * @param estimate the effect, as a latency factor (1 = no effect)
 * @param ciLow lower bound of its 95 % bootstrap interval (NaN when there is none)
 * @param ciHigh upper bound (NaN when there is none)
 * @param units independent units behind the interval (training runs)
 * @param verdict {@code supported}, {@code refuted} or {@code inconclusive}
 * @param reason why, in a sentence (the rule that fired, or what was missing)
 */
public record Verdict(
    int claim,
    String statement,
    String measure,
    double estimate,
    double ciLow,
    double ciHigh,
    int units,
    String verdict,
    String reason) {
  public static final String SUPPORTED = "supported";
  public static final String REFUTED = "refuted";
  public static final String INCONCLUSIVE = "inconclusive";
}
