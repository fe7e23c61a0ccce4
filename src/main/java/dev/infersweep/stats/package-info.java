/**
 * The statistics behind every latency figure, kept small and tested against known values:
 * per-call summaries ({@link dev.infersweep.stats.LatencyStats}), percentiles
 * ({@link dev.infersweep.stats.Percentiles}), the paired ratio of interleaved rounds with an
 * interval that allows for dependence between rounds ({@link dev.infersweep.stats.PairedRatio}),
 * Student's t interval over independent units ({@link dev.infersweep.stats.TInterval}, giving an
 * {@link dev.infersweep.stats.Interval}), means and deviations ({@link dev.infersweep.stats.Moments})
 * and the rules that decide when warm-up is over and when measuring may stop
 * ({@link dev.infersweep.stats.StoppingRule}).
 */
package dev.infersweep.stats;
