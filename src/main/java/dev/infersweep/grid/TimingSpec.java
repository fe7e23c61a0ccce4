package dev.infersweep.grid;

import java.io.Serializable;
import java.util.List;

/**
 * How inference is timed at each checkpoint.
 *
 * @param batchSizes input batch sizes, each a row
 * @param warmupIterations calls made and discarded before timing starts
 * @param iterations timed calls, one latency sample each
 * @param inputSeed seed of the standard-normal inference input (shared by every run, so checkpoints
 *     and runs are timed on the same numbers)
 */
public record TimingSpec(
    List<Integer> batchSizes, int warmupIterations, int iterations, long inputSeed)
    implements Serializable {
  public TimingSpec {
    batchSizes = List.copyOf(batchSizes);
  }
}
