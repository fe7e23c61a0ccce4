package dev.infersweep.run;

import dev.infersweep.result.Outcome;
import dev.infersweep.spec.Point;
import dev.infersweep.train.Checkpoint;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What training left: the checkpoints it reached, the seed protocol's outcomes measured inside the
 * training loop, and the error that stopped it, if any.
 *
 * @param checkpoints by epoch; those before a failure are kept
 * @param seed the seed protocol's outcome per cell
 * @param failure what stopped training (its line and trace), or null when it reached every checkpoint
 * @param saved where each checkpoint was saved ({@code train.save_checkpoints}), by epoch
 */
record Trained(
    SortedMap<Integer, Checkpoint> checkpoints, Map<Point, Outcome> seed, Outcome.Failed failure, Map<Integer, String> saved) {
  Trained(SortedMap<Integer, Checkpoint> checkpoints, Map<Point, Outcome> seed, Outcome.Failed failure) {
    this(checkpoints, seed, failure, Map.of());
  }

  /** Nothing trained: the run failed before training with {@code failure}. */
  static Trained failed(Outcome.Failed failure) {
    return new Trained(new TreeMap<>(), Map.of(), failure);
  }
}
