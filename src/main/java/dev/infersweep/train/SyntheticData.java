package dev.infersweep.train;

import dev.infersweep.spec.DataSpec;
import java.util.SplittableRandom;

/**
 * The seed's training set: {@code torch.randn(samples, input)} features and
 * {@code torch.randint(0, output, (samples,))} labels, drawn here from a seeded Java generator so
 * that every executor, engine and device sees the same numbers.
 *
 * @param features row-major, {@code samples × input}
 * @param labels class indices in {@code [0, classes)}
 */
public record SyntheticData(int samples, int input, int classes, float[] features, float[] labels) {

  public static SyntheticData generate(DataSpec spec, int input, int classes) {
    SplittableRandom random = new SplittableRandom(spec.seed());
    float[] features = standardNormal(random, spec.samples() * input);
    float[] labels = new float[spec.samples()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextInt(classes);
    }
    return new SyntheticData(spec.samples(), input, classes, features, labels);
  }

  /** {@code count} independent standard-normal values. */
  public static float[] standardNormal(SplittableRandom random, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
