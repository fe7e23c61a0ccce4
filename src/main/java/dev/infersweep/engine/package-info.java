/**
 * Engine start-up: {@link dev.infersweep.engine.DjlRuntime} loads DJL's PyTorch engine once per JVM,
 * offline, from the bundled native library, and sets its thread count;
 * {@link dev.infersweep.engine.FlushToZero} reaches libtorch's flush-to-zero switch for the calling
 * thread, with a once-per-JVM self-check; {@link dev.infersweep.engine.OnnxRuntime} starts ONNX
 * Runtime (one environment, a plain first session, the timed sessions' options).
 */
package dev.infersweep.engine;
