package dev.infersweep.run;

import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.SyntheticData;
import java.util.SplittableRandom;

/** The inference input: standard-normal, from the grid's input seed, the same for every run. */
final class Inputs {
  private Inputs() {}

  static float[] values(RunSpec spec, int batchSize) {
    return SyntheticData.standardNormal(
        new SplittableRandom(spec.timing().inputSeed()), batchSize * spec.model().input());
  }
}
