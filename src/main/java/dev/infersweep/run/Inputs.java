package dev.infersweep.run;

import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.ModelInput;
import dev.infersweep.train.SyntheticData;
import java.util.SplittableRandom;

/**
 * The inference input, from the grid's input seed, the same for every run: standard-normal features,
 * or integer ids uniform in the model's {@code input_range} ({@link ModelInput} makes the tensor).
 */
final class Inputs {
  private Inputs() {}

  /** A batch of {@code batchSize} inputs of the model's sample shape. */
  static Shape shape(RunSpec spec, int batchSize) {
    return new Shape(spec.model().batchShape(batchSize));
  }

  static float[] values(RunSpec spec, int batchSize) {
    return SyntheticData.features(new SplittableRandom(spec.timing().inputSeed()), DataSpec.Distribution.NORMAL,
        batchSize, spec.model().inputs());
  }

  /** The timed batch: one tensor per input of the model, each of its type. */
  static NDList create(NDManager manager, RunSpec spec, int batchSize) {
    return ModelInput.create(manager, values(spec, batchSize), batchSize, spec.model().inputs());
  }
}
