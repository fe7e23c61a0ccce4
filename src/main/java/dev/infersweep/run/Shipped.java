package dev.infersweep.run;

import dev.infersweep.spec.TrainingSet;

/**
 * What the driver ships to a task beside its run spec.
 *
 * @param table the training table it read, for a run that trains on one; else null
 * @param files how to open model files (the driver's Hadoop settings), for runs that read or save
 *     them; else null
 * @param checkpoints where a TorchScript run saves its checkpoints ({@code train.save_checkpoints}); else null
 */
public record Shipped(TrainingSet table, ModelFiles files, CheckpointStore checkpoints) {
  /** Nothing beyond the run spec. */
  public static final Shipped NOTHING = new Shipped(null, null, null);
}
