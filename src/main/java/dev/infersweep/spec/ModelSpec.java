package dev.infersweep.spec;

import java.io.Serializable;

/** The seed article's SimpleNet: Linear(input→hidden), ReLU, ×scale, Linear(hidden→output). */
public record ModelSpec(int input, int hidden, int output) implements Serializable {
  /** Multiply-adds of one forward pass per sample, counting each as two floating-point operations. */
  public long flopsPerSample() {
    return 2L * input * hidden + 2L * hidden * output;
  }
}
