package dev.infersweep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * PyTorch's default {@code nn.Linear} initialisation, U(−1/√fan_in, 1/√fan_in) for weights and bias,
 * drawn from a seeded Java generator so that a run's initial weights depend only on its seed.
 */
final class SeededUniformInitializer implements Initializer {
  private final float bound;
  private final long seed;

  SeededUniformInitializer(int fanIn, long seed) {
    this.bound = (float) (1.0 / Math.sqrt(fanIn));
    this.seed = seed;
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return manager.create(values, shape).toType(dataType, false);
  }
}
