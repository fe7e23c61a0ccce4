/**
 * The network and its training: synthetic data ({@link dev.infersweep.train.SyntheticData}), a
 * declared network as a DJL block ({@link dev.infersweep.train.DenseNet}), minibatch training with
 * checkpoint snapshots ({@link dev.infersweep.train.Training}, the hand-written
 * {@code FastStep} or DJL autograd; {@link dev.infersweep.train.Checkpoint}), and a snapshot cast to
 * an inference precision ({@link dev.infersweep.train.InferenceModel}). A user's TorchScript module
 * ({@link dev.infersweep.train.TorchScriptModel}: its parameters as
 * {@link dev.infersweep.train.TorchParameter}s, fresh copies for timing and the zeroed control),
 * trained through autograd ({@link dev.infersweep.train.TorchScriptTrainer}) and checked on the
 * driver ({@link dev.infersweep.train.TorchScriptCheck}).
 */
package dev.infersweep.train;
