package dev.infersweep.spec;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a run trains, apart from the axes: the minibatch, SGD's momentum, and the unit the grid gave
 * its checkpoints in.
 *
 * @param batchSize samples per optimiser step; 0 = the whole training set (the article's full batch)
 * @param momentum SGD's momentum (PyTorch's {@code momentum}); 0 = plain SGD
 * @param unit whether the grid gave {@code grid.epochs} or {@code grid.steps}
 */
public record TrainRegime(int batchSize, double momentum, CheckpointUnit unit) implements Serializable {
  /** How the grid counts its checkpoints. */
  public enum CheckpointUnit {
    /** Passes over the training data ({@code grid.epochs}). */
    EPOCHS,
    /** Optimiser updates ({@code grid.steps}). */
    STEPS;

    public String label() {
      return Labels.of(this);
    }
  }

  /** The article's: full batch, no momentum, epochs. */
  public static TrainRegime article() {
    return new TrainRegime(0, 0, CheckpointUnit.EPOCHS);
  }

  /** The minibatch over {@code data}: {@code batchSize}, or all its samples (the loader keeps it within them). */
  public int batch(DataSpec data) {
    return batchSize == 0 ? data.samples() : batchSize;
  }

  /**
   * Optimiser steps per epoch: one pass over the fixed set (the last minibatch may be short, as
   * PyTorch's DataLoader without drop_last); 1 for fresh data, where an epoch is one fresh batch.
   */
  public int stepsPerEpoch(DataSpec data) {
    if (data.fresh()) {
      return 1;
    }
    int batch = batch(data);
    return (data.samples() + batch - 1) / batch;
  }

  /** The regime in the canonical text of run ids; empty for the article's, so existing ids stay. */
  public String canonical() {
    StringBuilder text = new StringBuilder();
    if (batchSize != 0) {
      text.append("batch=").append(batchSize).append(';');
    }
    if (momentum != 0) {
      text.append(String.format(Locale.ROOT, "momentum=%s;", momentum));
    }
    return text.toString();
  }
}
