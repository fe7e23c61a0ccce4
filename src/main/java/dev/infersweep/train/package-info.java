/**
 * The network and its training: synthetic data as in the seed article
 * ({@link dev.infersweep.train.SyntheticData}), the seed's SimpleNet as a DJL block
 * ({@link dev.infersweep.train.SimpleNet}), full-batch training with checkpoint snapshots
 * ({@link dev.infersweep.train.Training}, {@link dev.infersweep.train.Checkpoint}), and a snapshot
 * cast to an inference precision ({@link dev.infersweep.train.InferenceModel}).
 */
package dev.infersweep.train;
