package dev.infersweep.result;

import java.io.Serializable;

/**
 * Where values fall into the subnormal range in one inference call on the timed input, layer by
 * layer, in the row's precision. Each figure is a share of the values of its kind whose magnitude is
 * non-zero and below the precision's smallest normal number, computed exactly from the weights and
 * input as served (docs/measurement.md).
 *
 * @param fc1ProductSubnormalFraction share of the first layer's element-wise products
 *     (weight × input) that underflow
 * @param fc1PreactivationSubnormalFraction share of the first layer's outputs before ReLU
 * @param hiddenSubnormalFraction share of hidden activations after ReLU and the activation scale
 * @param fc2ProductSubnormalFraction share of the second layer's element-wise products
 *     (weight × hidden activation) that underflow
 * @param outputSubnormalFraction share of the network's outputs
 */
public record Arithmetic(
    double fc1ProductSubnormalFraction,
    double fc1PreactivationSubnormalFraction,
    double hiddenSubnormalFraction,
    double fc2ProductSubnormalFraction,
    double outputSubnormalFraction)
    implements Serializable {}
