/**
 * Models that are read, not trained: a series of checkpoints or a registry of models saved elsewhere.
 * On an executor a task opens its own file through Hadoop's file system ({@link FileReader}), checks
 * it ({@link ModelCheck}: a TorchScript archive or an ONNX model, told by content, that its engine
 * loads (libtorch, or ONNX Runtime through {@link OrtModel}), whose forward pass takes the declared
 * inputs (float features or integer ids, one or several, held against an ONNX graph's own inputs by
 * {@link OnnxCheck}), and, in a series, whose tensors are the baseline's), and hands the timing stage the bytes of
 * the model as served with its zeroed twin ({@link ReadModels}). The driver lists the files and opens
 * at most one. {@link Repair} writes a file's copy with its subnormal values zeroed, once its outputs
 * match ({@link RepairOutputs}), and times it against the original ({@link RepairTiming}).
 */
package dev.infersweep.read;
