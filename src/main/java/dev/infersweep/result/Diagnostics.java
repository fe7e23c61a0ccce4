package dev.infersweep.result;

import java.io.Serializable;

/**
 * A model's state in one precision. Weight figures cover all four parameter tensors (both layers'
 * weights and biases); activation figures are the hidden layer after ReLU and the activation scale,
 * over the probe batch.
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
 */
public record Diagnostics(
    double weightL2,
    double weightMaxAbs,
    double weightZeroFraction,
    double weightSubnormalFraction,
    double activationMeanAbs,
    double activationMaxAbs,
    double deadUnitFraction,
    double activationSubnormalFraction,
    boolean outputFinite)
    implements Serializable {}
