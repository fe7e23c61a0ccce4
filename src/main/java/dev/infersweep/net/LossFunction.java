package dev.infersweep.net;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What training minimises, as PyTorch's {@code nn.CrossEntropyLoss} and {@code nn.MSELoss} (means). */
public enum LossFunction {
  /** Softmax cross-entropy over integer class labels in [0, outputs): classification. */
  CROSS_ENTROPY,
  /** Mean squared error over every output of every sample: regression. */
  MSE;

  /** Whether the labels are class indices (else real-valued targets, one per output). */
  public boolean classification() {
    return this == CROSS_ENTROPY;
  }

  /** The name in grid files and result rows: {@code cross_entropy} or {@code mse}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label; null when it names no loss. */
  public static LossFunction parse(String label) {
    return Arrays.stream(values()).filter(l -> l.label().equals(label)).findFirst().orElse(null);
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(LossFunction::label).toList();
  }

  @Override
  public String toString() {
    return label();
  }
}
