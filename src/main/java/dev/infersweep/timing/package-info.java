/**
 * Inference timing: {@link dev.infersweep.timing.LatencyTimer} takes per-call
 * {@code System.nanoTime()} samples of a warmed-up model with the output materialised inside the
 * clock, and {@link dev.infersweep.timing.LatencyStats} summarises them.
 */
package dev.infersweep.timing;
