package dev.infersweep.result;

import java.io.Serializable;
import java.util.List;

/**
 * A model's state in one precision. Weight figures cover every parameter tensor (each layer's
 * weights and biases); activation figures cover every hidden layer's output (after its activation
 * and the activation scale) over the probe batch, and are null for a network without a hidden layer.
 *
 * @param weightL2 Euclidean norm of all parameters
 * @param weightMaxAbs largest parameter magnitude
 * @param weightZeroFraction share of parameters exactly zero
 * @param weightSubnormalFraction share of parameters that are subnormal in this precision
 * @param activationMeanAbs mean hidden activation magnitude
 * @param activationMaxAbs largest hidden activation magnitude
 * @param deadUnitFraction share of hidden units that are zero for every probe input
 * @param activationSubnormalFraction share of hidden activations subnormal in this precision
 * @param outputFinite whether every output on the probe batch is finite
 * @param layers the same per layer, in order
 */
public record Diagnostics(
    double weightL2,
    double weightMaxAbs,
    double weightZeroFraction,
    double weightSubnormalFraction,
    Double activationMeanAbs,
    Double activationMaxAbs,
    Double deadUnitFraction,
    Double activationSubnormalFraction,
    boolean outputFinite,
    List<LayerState> layers)
    implements Serializable {
  public Diagnostics {
    layers = List.copyOf(layers);
  }
}
