package dev.infersweep.train;

import dev.infersweep.spec.RunSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs optimiser steps epoch after epoch ({@link RunSpec#stepsPerEpoch} steps each), takes the
 * checkpoints, keeps each step's time for the checkpoint window's median, and enforces the time
 * limit.
 */
final class TrainingLoop {
  /** Takes a checkpoint of the model as it is, outside any gradient collector. */
  interface Evaluator {
    Checkpoint checkpoint(int epoch, long steps, double trainSeconds, Double stepMicros);
  }

  private final RunSpec spec;
  private final Evaluator eval;
  private final Consumer<Checkpoint> checkpoints;

  TrainingLoop(RunSpec spec, Evaluator eval, Consumer<Checkpoint> checkpoints) {
    this.spec = spec;
    this.eval = eval;
    this.checkpoints = checkpoints;
  }

  /** @param step runs one optimiser step and returns its nanoseconds (drawing the batch excluded) */
  void run(LongSupplier step) {
    // Epoch 0 is always taken: it is the reference every checkpoint is compared with.
    List<Integer> stops = new ArrayList<>(spec.checkpoints());
    if (stops.get(0) != 0) {
      stops.add(0, 0);
    }
    int perEpoch = spec.stepsPerEpoch();
    long trainNanos = 0;
    long[] window = new long[16];
    int windowSize = 0;
    int next = 0;
    long deadline = System.nanoTime() + (long) (spec.trainTimeoutSeconds() * 1e9);
    for (int epoch = 0; ; epoch++) {
      if (stops.get(next) == epoch) {
        Double median = windowSize == 0 ? null : median(window, windowSize);
        checkpoints.accept(eval.checkpoint(epoch, (long) epoch * perEpoch, trainNanos / 1e9, median));
        windowSize = 0;
        if (++next == stops.size()) {
          break;
        }
      }
      for (int s = 0; s < perEpoch; s++) {
        if (Thread.currentThread().isInterrupted()) {
          // Spark cancelled the task (the sweep's deadline, say): stop instead of training on.
          throw new Training.TimeoutException("training was interrupted at epoch " + epoch + " (the task was cancelled)");
        }
        if (System.nanoTime() - deadline > 0) {
          throw new Training.TimeoutException(
              "training exceeded train.timeout_seconds (" + spec.trainTimeoutSeconds() + " s) at epoch " + epoch);
        }
        long nanos = step.getAsLong();
        trainNanos += nanos;
        if (windowSize == window.length) {
          window = Arrays.copyOf(window, window.length * 2);
        }
        window[windowSize++] = nanos;
      }
    }
  }

  /** The median of the first {@code n} values, in microseconds. */
  private static double median(long[] values, int n) {
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    double mid = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return mid / 1000.0;
  }
}
