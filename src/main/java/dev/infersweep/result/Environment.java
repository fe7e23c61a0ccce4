package dev.infersweep.result;

import java.io.Serializable;

/**
 * Where a row was measured: read on the executor when its task starts.
 *
 * @param device the device the run used: {@code cpu}, or {@code gpu:N} for the GPU Spark assigned
 * @param gpuName the GPU's name when the run used one (nvidia-smi), else null
 * @param threads PyTorch intra-op threads in effect while timing
 */
public record Environment(
    String host,
    String executorId,
    String cpuModel,
    String device,
    String gpuName,
    String djlVersion,
    String pytorchVersion,
    String sparkVersion,
    String javaVersion,
    int threads)
    implements Serializable {}
