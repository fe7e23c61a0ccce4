package dev.infersweep.net;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A hidden layer's activation function, as PyTorch names it. Each says how the engine computes it,
 * whether the hand-written training step knows its derivative, and whether it commutes with a
 * positive factor (what makes the rescale twin exact).
 */
public enum Activation {
  /** max(z, 0): the article's. */
  RELU(true, true),
  TANH(true, false),
  SIGMOID(true, false),
  /** PyTorch's exact GELU, z·Φ(z); trained through autograd. */
  GELU(false, false),
  /** No activation: the output layer's, or a linear hidden layer. */
  IDENTITY(true, true);

  private final boolean fastGradient;
  private final boolean positivelyHomogeneous;

  Activation(boolean fastGradient, boolean positivelyHomogeneous) {
    this.fastGradient = fastGradient;
    this.positivelyHomogeneous = positivelyHomogeneous;
  }

  /** The engine's computation; {@link #IDENTITY} returns {@code z} itself. */
  public NDArray apply(NDArray z) {
    return switch (this) {
      case RELU -> ai.djl.nn.Activation.relu(z);
      case TANH -> ai.djl.nn.Activation.tanh(z);
      case SIGMOID -> ai.djl.nn.Activation.sigmoid(z);
      case GELU -> ai.djl.nn.Activation.gelu(z);
      case IDENTITY -> z;
    };
  }

  /** Whether the hand-written training step has this derivative (else training uses autograd). */
  public boolean hasFastGradient() {
    return fastGradient;
  }

  /**
   * Whether f(c·z) = c·f(z) for every c > 0: then scaling a layer by a power of two and scaling the
   * output back is exact, and the rescale twin computes the same function.
   */
  public boolean positivelyHomogeneous() {
    return positivelyHomogeneous;
  }

  /** The name in grid files and result rows: {@code relu}, {@code tanh}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label; null when it names no activation. */
  public static Activation parse(String label) {
    return Arrays.stream(values()).filter(a -> a.label().equals(label)).findFirst().orElse(null);
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(Activation::label).toList();
  }

  @Override
  public String toString() {
    return label();
  }
}
