package dev.infersweep.spec;

import java.io.Serializable;

/**
 * How inference is timed at each checkpoint (see docs/measurement.md and docs/configuration.md). The
 * batch sizes are an axis ({@link Axes#BATCH_SIZE}), read from {@code timing.batch_sizes}.
 *
 * @param warmupIterations least calls per model before measuring (rigorous protocol)
 * @param warmupMaxSeconds most time spent warming up one row
 * @param blockSize calls per block; blocks of the models alternate
 * @param minBlocks least kept block pairs before the stopping rule may stop
 * @param targetCi stop once the ratio's 95 % interval half-width is at most this
 * @param maxSeconds most measurement time for one row, after warm-up
 * @param seedIterations calls of the seed article's protocol (100 in the article)
 * @param inputSeed seed of the standard-normal inference input, shared by every run
 */
public record TimingSpec(
    int warmupIterations,
    double warmupMaxSeconds,
    int blockSize,
    int minBlocks,
    double targetCi,
    double maxSeconds,
    int seedIterations,
    long inputSeed)
    implements Serializable {}
