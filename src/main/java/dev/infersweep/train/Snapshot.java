package dev.infersweep.train;

import java.io.Serializable;

/**
 * A model's parameter values taken at a checkpoint, held in Java arrays (detached from autograd, the
 * training manager and the device): a declared network's {@link Weights}, or a TorchScript module's
 * {@link ScriptedState}.
 */
public sealed interface Snapshot extends Serializable permits Weights, ScriptedState {}
