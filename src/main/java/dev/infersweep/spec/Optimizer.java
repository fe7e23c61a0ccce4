package dev.infersweep.spec;

import java.util.List;

/**
 * The optimiser a run trains with, as PyTorch names it. For SGD and Adam weight decay is L2 added to
 * the gradient (PyTorch's {@code weight_decay}); AdamW decouples it (the weights shrink by lr × decay
 * each step, outside the adaptive scaling).
 */
public enum Optimizer {
  /** Plain stochastic gradient descent (full batch here, as in the seed article). */
  SGD,
  /** Adam with PyTorch's default betas and epsilon. */
  ADAM,
  /** AdamW (DJL's {@code AdamW}): Adam with decoupled weight decay. */
  ADAMW;

  /** The name in grid files and result rows: {@code sgd}, {@code adam} or {@code adamw}. */
  public String label() {
    return Labels.of(this);
  }

  /** Parses a label; null when it names no optimizer. */
  public static Optimizer parse(String label) {
    return Labels.parse(Optimizer.class, label);
  }

  /** Every label, in declaration order. */
  public static List<String> labels() {
    return Labels.all(Optimizer.class);
  }

  @Override
  public String toString() {
    return label();
  }
}
