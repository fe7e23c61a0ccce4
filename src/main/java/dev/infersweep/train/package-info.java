/**
 * The network and its training: synthetic data ({@link dev.infersweep.train.SyntheticData}), a
 * declared network as a DJL block ({@link dev.infersweep.train.DenseNet}), minibatch training with
 * checkpoint snapshots ({@link dev.infersweep.train.Training}, the hand-written
 * {@code FastStep} or DJL autograd; {@link dev.infersweep.train.Checkpoint}), and a snapshot cast to
 * an inference precision ({@link dev.infersweep.train.InferenceModel}).
 */
package dev.infersweep.train;
