package dev.infersweep.result;

import java.io.Serializable;

/**
 * Where one layer's values fall into the subnormal range in one inference call on the timed input,
 * in the row's precision (docs/measurement.md). Each is a share of the values of its kind whose
 * magnitude is non-zero and below the precision's smallest normal number.
 *
 * @param productSubnormalFraction share of the element-wise products (weight × input) that underflow
 * @param linearSubnormalFraction share of the linear outputs (before the activation)
 * @param outputSubnormalFraction share of what the layer passes on (after the activation and scale;
 *     the network's output for the last layer)
 */
public record LayerArithmetic(
    double productSubnormalFraction, double linearSubnormalFraction, double outputSubnormalFraction)
    implements Serializable {}
