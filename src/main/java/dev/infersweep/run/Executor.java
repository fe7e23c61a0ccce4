package dev.infersweep.run;

import java.util.List;

/**
 * What the Spark layer knows about the executor a run lands on; kept as plain values so that this
 * package does not depend on Spark.
 *
 * @param executorId Spark's executor id
 * @param sparkVersion the executor's Spark version
 * @param gpuAddresses the GPU addresses Spark assigned to the task (empty without GPU scheduling)
 */
public record Executor(String executorId, String sparkVersion, List<String> gpuAddresses) {
  public Executor {
    gpuAddresses = List.copyOf(gpuAddresses);
  }

  /** An executor without GPU scheduling. */
  public Executor(String executorId, String sparkVersion) {
    this(executorId, sparkVersion, List.of());
  }
}
