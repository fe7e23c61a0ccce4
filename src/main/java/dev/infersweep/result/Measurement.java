package dev.infersweep.result;

import dev.infersweep.stats.LatencyStats;
import java.io.Serializable;

/**
 * The timing behind one row.
 *
 * @param latency the measured model's per-call statistics
 * @param baselineP50Nanos the epoch-0 model's median under the same protocol
 * @param latencyRatio measured / epoch-0 (rigorous: paired block estimate; seed: ratio of loop means)
 * @param ratioCiLow lower bound of the ratio's 95 % interval; null for the seed protocol
 * @param ratioCiHigh upper bound; null for the seed protocol
 * @param ratioLogSe the log ratio's standard error behind the interval; null for the seed protocol
 * @param ratioDf the degrees of freedom of its t quantile; null for the seed protocol
 * @param ciReached whether the interval reached {@code timing.target_ci}; null for the seed protocol
 * @param blocks kept block pairs (rigorous) or null
 * @param warmupSeconds time spent warming up (0 for the seed protocol, which has none)
 * @param measureSeconds time spent measuring after warm-up
 * @param gcPauses JVM collections that overlapped measurement
 * @param concurrentTasks most tasks running in this executor JVM while measuring
 * @param controls the control models' ratios (rigorous only; null otherwise)
 * @param arithmetic the article's two-layer figures of where one call on the timed input meets
 *     subnormal values (rigorous rows of two-layer networks only)
 * @param layerArithmetic the same for every layer, in order (rigorous only; empty otherwise)
 * @param productSubnormalFraction share of every layer's element-wise products that underflow on the
 *     timed input (rigorous only)
 * @param cause what the controls say the ratio is due to (rigorous only)
 * @param shares what each control explains of the slowdown (rigorous rows beyond the band only)
 * @param ratioUnavailable why the row has no latency ratio (a model read from a registry has no
 *     baseline); null when it has one
 */
public record Measurement(
    LatencyStats latency,
    Double baselineP50Nanos,
    Double latencyRatio,
    Double ratioCiLow,
    Double ratioCiHigh,
    Double ratioLogSe,
    Double ratioDf,
    Boolean ciReached,
    Integer blocks,
    double warmupSeconds,
    double measureSeconds,
    int gcPauses,
    int concurrentTasks,
    Controls controls,
    Arithmetic arithmetic,
    java.util.List<LayerArithmetic> layerArithmetic,
    Double productSubnormalFraction,
    Cause cause,
    Shares shares,
    String ratioUnavailable)
    implements Serializable {
  public Measurement {
    layerArithmetic = layerArithmetic == null ? java.util.List.of() : java.util.List.copyOf(layerArithmetic);
  }

  /**
   * A measurement of the seed article's protocol: its statistics, the article's ratio of loop means
   * against epoch 0, and nothing of the rigorous protocol (no interval, warm-up, controls or trace).
   */
  public static Measurement seed(LatencyStats latency, Double baselineP50Nanos, Double ratio, double measureSeconds, int concurrentTasks) {
    return new Measurement(latency, baselineP50Nanos, ratio, null, null, null, null, null, null, 0, measureSeconds, 0,
        concurrentTasks, null, null, null, null, null, null, null);
  }
}
