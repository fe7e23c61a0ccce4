package dev.infersweep.train;

import dev.infersweep.result.TrainingState;

/**
 * The model's state after {@code epoch} epochs of training.
 *
 * @param trainLoss mean softmax cross-entropy on the full training set, fp32
 * @param trainAccuracy fraction of training samples classified correctly
 * @param trainSeconds wall time spent in optimisation steps up to this checkpoint
 */
public record Checkpoint(
    int epoch, double trainLoss, double trainAccuracy, double trainSeconds, Weights weights) {

  /** The figures recorded in the checkpoint's rows. */
  public TrainingState state() {
    return new TrainingState(trainLoss, trainAccuracy, trainSeconds);
  }
}
