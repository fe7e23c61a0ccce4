package dev.infersweep.net;

import java.io.Serializable;

/**
 * One dense layer: {@code activation(x · Wᵀ + b)}, W of {@code units × fanIn}, as
 * {@code nn.Linear} followed by the activation.
 *
 * @param units the layer's outputs
 * @param activation what follows the linear map; {@link Activation#IDENTITY} for the output layer
 */
public record Layer(int units, Activation activation) implements Serializable {
  /** The only layer kind so far; the {@code kind} field of the {@code layers} result column. */
  public static final String DENSE = "dense";

  public Layer {
    if (units < 1) {
      throw new IllegalArgumentException("a layer needs at least one unit, not " + units);
    }
    if (activation == null) {
      throw new IllegalArgumentException("a layer needs an activation (identity for none)");
    }
  }

  public String kind() {
    return DENSE;
  }
}
