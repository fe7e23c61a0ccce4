package dev.infersweep.result;

import java.io.Serializable;

/**
 * The training figures of a checkpoint, as recorded in its rows.
 *
 * @param steps optimiser steps taken up to the checkpoint
 * @param trainLoss the loss on the fixed training set (mean cross-entropy or mean squared error), fp32
 * @param trainAccuracy fraction of training samples classified correctly; null for regression
 * @param trainSeconds wall time spent in optimisation steps up to this checkpoint
 * @param trainStepMicros median optimiser step time since the previous checkpoint; null at epoch 0
 */
public record TrainingState(long steps, double trainLoss, Double trainAccuracy, double trainSeconds, Double trainStepMicros)
    implements Serializable {}
