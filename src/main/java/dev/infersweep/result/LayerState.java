package dev.infersweep.result;

import java.io.Serializable;

/**
 * One layer's parameters in the row's precision: the model-state part of an element of the
 * {@code layers} column.
 *
 * @param index the layer's position, 0 first
 * @param kind {@code dense}
 * @param units its outputs
 * @param activation what follows its linear map ({@code identity} for the output layer)
 * @param weightSubnormalFraction share of its weights and biases that are subnormal in the precision
 * @param weightMaxAbs its largest weight or bias magnitude
 */
public record LayerState(
    int index, String kind, int units, String activation, double weightSubnormalFraction, double weightMaxAbs)
    implements Serializable {}
