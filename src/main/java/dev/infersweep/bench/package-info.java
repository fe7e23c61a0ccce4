/**
 * Benchmarks of infersweep itself (issue 12, {@code jobs/bench}): the training step and the
 * inference call against the article's PyTorch code and a plain-Java floor, and a sweep through
 * Spark against the same runs called directly. Figures are ratios measured side by side in one
 * process; targets are checked here, never in unit tests. Also the door to {@code jobs/sweep repair}
 * ({@link dev.infersweep.bench.ModelRepair}): the command line cannot reach the stages itself.
 */
package dev.infersweep.bench;
