package dev.infersweep.train;

import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.SplittableRandom;

/**
 * Synthetic samples drawn from a seeded Java generator, so that every executor, engine and device
 * sees the same numbers: features as {@code torch.randn} (normal) or {@code torch.rand} (uniform);
 * classification labels as {@code torch.randint(0, outputs)}, regression targets from the same
 * distribution as the features, one per output.
 */
public final class SyntheticData {
  private SyntheticData() {}

  /** The fixed set of {@code spec}: {@code samples} samples from {@code spec.seed()}. */
  public static TrainingSet generate(DataSpec.Synthetic spec, ModelSpec network) {
    return draw(new SplittableRandom(spec.seed()), spec.distribution(), spec.samples(), network);
  }

  /** {@code samples} samples from {@code random}. */
  public static TrainingSet draw(
      SplittableRandom random, DataSpec.Distribution distribution, int samples, ModelSpec network) {
    int width = network.loss().classification() ? 1 : network.outputs();
    float[] features = values(random, distribution, samples * network.input());
    float[] labels;
    if (network.loss().classification()) {
      labels = new float[samples];
      for (int i = 0; i < samples; i++) {
        labels[i] = random.nextInt(network.outputs());
      }
    } else {
      labels = values(random, distribution, samples * width);
    }
    return new TrainingSet(samples, network.input(), width, features, labels);
  }

  /** {@code count} independent standard-normal values. */
  public static float[] standardNormal(SplittableRandom random, int count) {
    return values(random, DataSpec.Distribution.NORMAL, count);
  }

  private static float[] values(SplittableRandom random, DataSpec.Distribution distribution, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (distribution == DataSpec.Distribution.NORMAL ? random.nextGaussian() : random.nextDouble());
    }
    return values;
  }
}
