package dev.infersweep.run;

import ai.djl.ndarray.types.Shape;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.SyntheticData;
import java.util.SplittableRandom;

/** The inference input: standard-normal, from the grid's input seed, the same for every run. */
final class Inputs {
  private Inputs() {}

  /** A batch of {@code batchSize} inputs of the model's sample shape. */
  static Shape shape(RunSpec spec, int batchSize) {
    return new Shape(spec.model().batchShape(batchSize));
  }

  static float[] values(RunSpec spec, int batchSize) {
    return SyntheticData.standardNormal(
        new SplittableRandom(spec.timing().inputSeed()), batchSize * spec.model().input());
  }
}
