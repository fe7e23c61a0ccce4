package dev.infersweep.run;

import dev.infersweep.result.Outcome;
import dev.infersweep.spec.Protocol;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.Training;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * Trains the run to its last checkpoint. Where the grid asks for the seed article's protocol, it is
 * measured where the article measured: "before" on the fresh model before any step, later
 * checkpoints straight out of the training loop.
 */
final class TrainStage {
  private TrainStage() {}

  static Trained train(Opened opened, IntSupplier activeTasks) {
    SortedMap<Integer, Checkpoint> checkpoints = new TreeMap<>();
    SeedProtocolStage seed =
        opened.spec().protocols().contains(Protocol.SEED) ? new SeedProtocolStage(opened, activeTasks) : null;
    Outcome.Failed failure = null;
    try {
      Training.train(
          opened.spec(),
          opened.device(),
          opened.data(),
          c -> {
            checkpoints.put(c.epoch(), c);
            if (seed != null) {
              seed.measure(c);
            }
          });
    } catch (Throwable t) {
      failure = Outcome.Failed.of(t);
    }
    return new Trained(checkpoints, seed == null ? java.util.Map.of() : seed.outcomes(), failure);
  }
}
