package dev.infersweep.train;

import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.SplittableRandom;

/**
 * The minibatches of a run, step by step: the whole set every step (the article's full batch), the
 * fixed set reshuffled every epoch from the run's seed (last batch short, as PyTorch's DataLoader
 * without drop_last), or a fresh draw every step (PyTorch #58220).
 */
final class Batches {
  private final TrainingSet data;
  private final DataSpec spec;
  private final ModelSpec network;
  private final int batch;
  private final SplittableRandom random;
  private int[] order;
  private int position;

  Batches(TrainingSet data, DataSpec spec, ModelSpec network, int batch, long runSeed) {
    this.data = data;
    this.spec = spec;
    this.network = network;
    this.batch = batch;
    // Replicates differ in the data order (and fresh draws), as they do in their initial weights.
    this.random = new SplittableRandom(runSeed * 0x9E3779B97F4A7C15L + 17);
  }

  /** Whether every step sees the same whole set, so its arrays can be made once. */
  boolean fullBatch() {
    return !spec.fresh() && batch >= data.samples();
  }

  /** The next step's samples; at the start of each epoch the fixed set is reshuffled. */
  TrainingSet next() {
    if (fullBatch()) {
      return data;
    }
    if (spec.fresh()) {
      return SyntheticData.draw(random, ((DataSpec.Synthetic) spec).distribution(), batch, network);
    }
    if (order == null || position >= order.length) {
      order = permutation(data.samples());
      position = 0;
    }
    int n = Math.min(batch, order.length - position);
    float[] x = new float[n * data.input()];
    float[] y = new float[n * data.targetWidth()];
    for (int i = 0; i < n; i++) {
      int s = order[position + i];
      System.arraycopy(data.features(), s * data.input(), x, i * data.input(), data.input());
      System.arraycopy(data.labels(), s * data.targetWidth(), y, i * data.targetWidth(), data.targetWidth());
    }
    position += n;
    return new TrainingSet(n, data.input(), data.targetWidth(), x, y);
  }

  /** Fisher–Yates over 0..n−1. */
  private int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
