package dev.infersweep.train;

import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputValues;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic samples drawn from a seeded Java generator, so that every executor, engine and device
 * sees the same numbers: features as {@code torch.randn} (normal) or {@code torch.rand} (uniform);
 * integer ids (a model whose {@link ModelSpec#inputs} holds integer types) uniform in its range
 * from the same generator, held as exact floats until the tensor is made ({@link ModelInput});
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
    float[] features = features(random, distribution, samples, network.inputs());
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

  /**
   * {@code samples} samples of {@code inputs}, sample after sample, each input's values after the
   * previous input's: integer ids uniform in {@code [low, high)} (as exact floats) for an integer
   * input, else {@code distribution}'s floats. One input draws exactly as before several could.
   */
  public static float[] features(
      SplittableRandom random, DataSpec.Distribution distribution, int samples, List<InputSpec> inputs) {
    float[] out = new float[Math.multiplyExact(samples, InputSpec.size(inputs))];
    int at = 0;
    for (int s = 0; s < samples; s++) {
      for (InputSpec input : inputs) {
        InputValues v = input.values();
        for (int i = 0, n = input.size(); i < n; i++) {
          out[at++] = v.integer() ? random.nextLong(v.low(), v.high())
              : (float) (distribution == DataSpec.Distribution.NORMAL ? random.nextGaussian() : random.nextDouble());
        }
      }
    }
    return out;
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
