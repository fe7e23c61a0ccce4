/**
 * The statistics behind every latency figure, kept small and tested against known values:
 * per-call summaries ({@link dev.infersweep.stats.LatencyStats}), percentiles
 * ({@link dev.infersweep.stats.Percentiles}), the paired block ratio with its bootstrap confidence
 * interval ({@link dev.infersweep.stats.PairedRatio}), the bootstrap itself
 * ({@link dev.infersweep.stats.Bootstrap}) and the rules that decide when warm-up is over and when
 * measuring may stop ({@link dev.infersweep.stats.StoppingRule}).
 */
package dev.infersweep.stats;
