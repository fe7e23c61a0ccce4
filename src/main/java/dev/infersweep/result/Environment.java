package dev.infersweep.result;

import java.io.Serializable;

/**
 * Where a row was measured: read on the executor when its task starts.
 *
 * @param threads PyTorch intra-op threads in effect while timing
 */
public record Environment(
    String host,
    String executorId,
    String cpuModel,
    String djlVersion,
    String pytorchVersion,
    String sparkVersion,
    String javaVersion,
    int threads)
    implements Serializable {}
