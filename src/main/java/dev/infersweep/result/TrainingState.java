package dev.infersweep.result;

import java.io.Serializable;

/**
 * The training figures of a checkpoint, as recorded in its rows.
 *
 * @param trainLoss mean softmax cross-entropy on the full training set, fp32
 * @param trainAccuracy fraction of training samples classified correctly
 * @param trainSeconds wall time spent in optimisation steps up to this checkpoint
 */
public record TrainingState(double trainLoss, double trainAccuracy, double trainSeconds)
    implements Serializable {}
