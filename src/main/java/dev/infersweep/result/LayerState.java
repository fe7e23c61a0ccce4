package dev.infersweep.result;

import java.io.Serializable;

/**
 * One layer's parameters in the row's precision: the model-state part of an element of the
 * {@code layers} column.
 *
 * @param index the layer's position, 0 first (a TorchScript module's parameter tensors in its order)
 * @param kind {@code dense}, or {@code parameter} for a TorchScript module's tensor
 * @param units its outputs; null for a TorchScript parameter
 * @param activation what follows its linear map ({@code identity} for the output layer); null for a
 *     TorchScript parameter
 * @param weightSubnormalFraction share of its weights and biases that are subnormal in the precision
 * @param weightMaxAbs its largest weight or bias magnitude
 */
public record LayerState(
    int index, String kind, Integer units, String activation, double weightSubnormalFraction, double weightMaxAbs)
    implements Serializable {}
