/**
 * Why a latency is what it is: {@link dev.infersweep.probe.ModelProbe} reads the state of a model in
 * the precision it is served in — weight magnitudes, zeros and subnormals, and on a fixed probe batch
 * of the training data the hidden activations, dead units and subnormal activations — into
 * {@link dev.infersweep.result.Diagnostics}, recorded beside every latency.
 */
package dev.infersweep.probe;
