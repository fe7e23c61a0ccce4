/**
 * Inference timing: {@link dev.infersweep.timing.InterleavedTimer} times several models in
 * alternating blocks on one input (infersweep's rigorous protocol) and pairs their blocks into
 * ratios; {@link dev.infersweep.timing.SeedProtocolTimer} reproduces the seed article's loop;
 * {@link dev.infersweep.timing.Calibration} times a fixed reference workload before and after a task.
 */
package dev.infersweep.timing;
