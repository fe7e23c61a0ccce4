package dev.infersweep.run;

import dev.infersweep.result.Outcome;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.ScriptedState;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a TorchScript run's checkpoints are saved ({@code train.save_checkpoints}): each one's whole
 * state, as the archive libtorch writes and {@code torch.jit.load} reads, at
 * {@code <results>/_checkpoints/<sweep id>/<run id>/step_<steps>.pt}. The folder starts with an
 * underscore, so Spark and the {@code trials} view never read it; the names end with the step count,
 * so a series grid ({@code model.checkpoints}) scans them as they are.
 *
 * @param root {@code <results>/_checkpoints/<sweep id>}
 */
public record CheckpointStore(ModelFiles files, String root) implements Serializable {
  /** The folder under a results root that holds the saved checkpoints of every sweep. */
  public static final String FOLDER = "_checkpoints";

  /** The store of sweep {@code sweepId} under results root {@code results}. */
  public static CheckpointStore of(ModelFiles files, String results, String sweepId) {
    return new CheckpointStore(files, results.replaceAll("/+$", "") + "/" + FOLDER + "/" + sweepId);
  }

  /** Where a run's checkpoint is saved. */
  public String path(RunSpec spec, Checkpoint checkpoint) {
    return root + "/" + spec.runId() + "/step_" + checkpoint.steps() + ".pt";
  }

  /**
   * Saves every checkpoint of a trained TorchScript run. A checkpoint that cannot be written is left
   * out of the run's result, with the reason as its failure, so its rows fail and say why.
   */
  Trained save(RunSpec spec, Trained trained) {
    SortedMap<Integer, Checkpoint> kept = new TreeMap<>();
    Map<Integer, String> saved = new TreeMap<>();
    Outcome.Failed failure = trained.failure();
    for (Checkpoint c : trained.checkpoints().values()) {
      if (!(c.snapshot() instanceof ScriptedState state)) {
        kept.put(c.epoch(), c);
        continue;
      }
      String path = path(spec, c);
      try {
        files.write(path, state.archive());
        kept.put(c.epoch(), c);
        saved.put(c.epoch(), path);
      } catch (IOException | RuntimeException e) {
        failure = new Outcome.Failed("could not save the checkpoint at epoch " + c.epoch() + " to " + path + ": " + e.getMessage());
      }
    }
    return new Trained(kept, trained.seed(), failure, saved);
  }
}
