/**
 * Benchmarks of infersweep itself (issue 12, {@code jobs/bench}): the training step and the
 * inference call against the article's PyTorch code and a plain-Java floor, and a sweep through
 * Spark against the same runs called directly; and, for models that are read (issue 28), a
 * registry scan's pace and the driver's heap for listings of small and of large files; and each
 * engine's batch-1 call, direct against infersweep's timed call, at 1 and 2 intra-op threads (issue
 * 30, {@link dev.infersweep.bench.CallBench}). Figures are
 * ratios measured side by side in one process; targets are checked here, never in unit tests. Also
 * the door to {@code jobs/sweep repair} ({@link dev.infersweep.bench.ModelRepair}): the command line
 * cannot reach the stages itself.
 */
package dev.infersweep.bench;
