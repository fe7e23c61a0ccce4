package dev.infersweep.train;

import dev.infersweep.result.TrainingState;

/**
 * The model's state after {@code epoch} epochs ({@code steps} optimiser steps) of training.
 *
 * @param trainLoss the loss (mean cross-entropy or mean squared error) on the fixed training set, fp32
 * @param trainAccuracy fraction of training samples classified correctly; null for regression
 * @param trainSeconds wall time spent in optimisation steps up to this checkpoint
 * @param stepMicros median step time since the previous checkpoint; null at epoch 0
 * @param snapshot the parameter values
 */
public record Checkpoint(
    int epoch, long steps, double trainLoss, Double trainAccuracy, double trainSeconds, Double stepMicros, Snapshot snapshot) {

  /**
   * A declared network's weights.
   *
   * @throws IllegalStateException for a TorchScript module's checkpoint
   */
  public Weights weights() {
    if (snapshot instanceof Weights w) {
      return w;
    }
    throw new IllegalStateException("the checkpoint at epoch " + epoch + " is a TorchScript module's, not declared weights");
  }

  /** The figures recorded in the checkpoint's rows. */
  public TrainingState state() {
    return new TrainingState(steps, trainLoss, trainAccuracy, trainSeconds, stepMicros);
  }
}
