/**
 * Saved model files as bytes, without an engine: a TorchScript archive's tensors (parameters and
 * buffers, with their names, types, shapes and subnormal counts, as PyTorch's {@code state_dict()}
 * holds them) read from the zip and its pickle, and the same archive rewritten with every subnormal
 * value of every floating parameter and buffer set to zero (the zeroed control and {@code repair});
 * an ONNX model's initializers and input read from its protobuf by hand ({@code OnnxModel}), with the
 * same zeroed rewrite patched in place; the format told by content ({@code ModelFormat}). A leaf: it knows nothing of Spark, DJL or the sweep.
 */
package dev.infersweep.archive;
