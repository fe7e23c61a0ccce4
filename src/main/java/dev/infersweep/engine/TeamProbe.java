package dev.infersweep.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads back, per intra-op thread of the calling thread's team, whether libtorch's arithmetic on
 * that thread flushes: two element-wise products over {@code threads × 2 × 32768} fp32 values, which
 * {@code at::parallel_for} splits into one contiguous chunk per OpenMP thread number (its grain is
 * {@code at::internal::GRAIN_SIZE} = 32768 elements; chunk i runs on thread i). 1e-20 × 1e-20 (exact
 * value 1e-40, subnormal) is 0 only under FTZ; 2.9e-39 × 2^24 (a subnormal operand) is 0 only under
 * DAZ, else about 4.9e-32. A thread's chunk is all 0 in both when it flushes, and nowhere 0 when it
 * does not.
 */
final class TeamProbe {
  /** {@code at::internal::GRAIN_SIZE}: {@code at::parallel_for} does not split fewer elements. */
  static final int GRAIN = 32768;

  /** Elements per thread: twice the grain, so that every thread of the team gets a chunk. */
  private static final int CHUNK = 2 * GRAIN;

  /** What one thread's chunk showed. */
  enum State {
    /** Every value of the chunk was 0 in both products: FTZ and DAZ on that thread. */
    FLUSHES,
    /** No value was 0: neither on that thread. */
    DOES_NOT,
    /** Some were, some were not: the chunk did not run on one thread, or only one mode was on. */
    MIXED
  }

  private static volatile float tiny = 1e-20f;
  private static volatile float subnormal = 2.9e-39f;

  private TeamProbe() {}

  /** Each thread number's state, 0 (the calling thread) first, with the calling thread's intra-op count {@code threads}. */
  static List<State> states(int threads) {
    int n = threads * CHUNK;
    float[] ftz;
    float[] daz;
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      NDArray small = manager.create(filled(n, tiny));
      ftz = small.mul(small).toFloatArray();
      daz = manager.create(filled(n, subnormal)).mul(manager.create(filled(n, 16777216f))).toFloatArray();
    }
    List<State> states = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      int zeros = 0;
      for (int i = t * CHUNK; i < (t + 1) * CHUNK; i++) {
        zeros += zero(ftz[i]) + zero(daz[i]);
      }
      states.add(zeros == 2 * CHUNK ? State.FLUSHES : zeros == 0 ? State.DOES_NOT : State.MIXED);
    }
    return states;
  }

  /** The thread numbers whose state is not {@code expected}, for a reason. */
  static List<Integer> otherThan(List<State> states, State expected) {
    List<Integer> out = new ArrayList<>();
    for (int t = 0; t < states.size(); t++) {
      if (states.get(t) != expected) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * 1 when {@code v} is ±0, read off its bits: a float comparison would be wrong here, because this
   * runs while the calling thread may flush, and under DAZ {@code 1e-40f == 0f} is true.
   */
  private static int zero(float v) {
    return (Float.floatToRawIntBits(v) & 0x7fffffff) == 0 ? 1 : 0;
  }

  private static float[] filled(int n, float value) {
    float[] a = new float[n];
    Arrays.fill(a, value);
    return a;
  }
}
