package dev.infersweep.timing;

import java.util.SplittableRandom;

/**
 * The order of the models within each round: random, and balanced over every group of n rounds
 * (n models), so that each model runs in each position exactly once per group.
 *
 * <p>A fixed rotation would let a position effect (the block after another model's block sees that
 * model's cache and allocator state) line up with a model for the whole measurement; a fully random
 * order would leave it unbalanced over a short measurement. Each group is a cyclic Latin square with
 * its models relabelled and its rows shuffled at random, the standard randomised balanced design.
 */
public final class RoundOrder {
  private final int models;
  private final SplittableRandom random;
  private final int[] labels;
  private final int[] shifts;
  private int round;

  public RoundOrder(int models, long seed) {
    if (models < 1) {
      throw new IllegalArgumentException("'models' must be at least 1, found " + models);
    }
    this.models = models;
    this.random = new SplittableRandom(seed);
    this.labels = new int[models];
    this.shifts = new int[models];
  }

  /** The models of the next round, in the order they run. */
  public int[] next() {
    int inGroup = round % models;
    if (inGroup == 0) {
      shuffleIdentity(labels);
      shuffleIdentity(shifts);
    }
    round++;
    int[] order = new int[models];
    for (int position = 0; position < models; position++) {
      order[position] = labels[(position + shifts[inGroup]) % models];
    }
    return order;
  }

  private void shuffleIdentity(int[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
