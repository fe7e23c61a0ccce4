package dev.infersweep.spec;

import java.io.Serializable;

/**
 * Training samples as the engine takes them: row-major features and, per sample, a class index
 * (classification) or {@code targetWidth} real targets (regression).
 *
 * @param features {@code samples × input}
 * @param labels {@code samples × targetWidth}; class indices as floats when {@code targetWidth} is 1
 *     and the loss classifies
 */
public record TrainingSet(int samples, int input, int targetWidth, float[] features, float[] labels)
    implements Serializable {
  public TrainingSet {
    if (features.length != (long) samples * input) {
      throw new IllegalArgumentException("features must hold " + samples + " × " + input + " values, not " + features.length);
    }
    if (labels.length != (long) samples * targetWidth) {
      throw new IllegalArgumentException("labels must hold " + samples + " × " + targetWidth + " values, not " + labels.length);
    }
  }

  /** The first {@code n} samples (all of them when there are fewer). */
  public TrainingSet head(int n) {
    int k = Math.min(n, samples);
    return new TrainingSet(
        k, input, targetWidth, java.util.Arrays.copyOf(features, k * input), java.util.Arrays.copyOf(labels, k * targetWidth));
  }
}
