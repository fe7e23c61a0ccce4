/**
 * Engine start-up: {@link dev.infersweep.engine.DjlRuntime} loads DJL's PyTorch engine once per JVM,
 * offline, from the bundled native library, and sets the calling thread's intra-op thread count;
 * {@link dev.infersweep.engine.FlushToZero} reaches libtorch's flush-to-zero switch for the calling
 * thread and, through the bundled OpenMP runtime ({@code OpenMpTeam}), for each worker of its
 * intra-op pool, with a once-per-JVM self-check and a per-thread read-back ({@code TeamProbe}); {@link dev.infersweep.engine.OnnxRuntime} starts ONNX
 * Runtime (one environment, a plain first session, the timed sessions' options), and {@link
 * dev.infersweep.engine.OrtPoolProbe} reads back, per thread count, whether its flush option reaches a
 * session's pool workers.
 */
package dev.infersweep.engine;
