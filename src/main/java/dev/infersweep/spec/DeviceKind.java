package dev.infersweep.spec;

import java.util.List;

/**
 * Where a sweep asks its runs to train and be timed. The driver only knows the kind; each executor
 * turns {@link #GPU} into the DJL {@code Device} of the GPU Spark assigned to its task.
 */
public enum DeviceKind {
  /** The executor's CPU, with the bundled PyTorch CPU library. */
  CPU,
  /** The GPU Spark assigns each task (needs a CUDA build of libtorch on the executors). */
  GPU;

  /** The name in options and result rows: {@code cpu} or {@code gpu}. */
  public String label() {
    return Labels.of(this);
  }

  /** Parses a label; null when it names no device kind. */
  public static DeviceKind parse(String label) {
    return Labels.parse(DeviceKind.class, label);
  }

  /** Every label, in declaration order. */
  public static List<String> labels() {
    return Labels.all(DeviceKind.class);
  }

  @Override
  public String toString() {
    return label();
  }
}
