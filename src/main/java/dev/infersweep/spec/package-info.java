/**
 * The immutable description of the work, made on the driver and sent to executors: the grid's
 * axes declared once ({@link dev.infersweep.spec.Axes}), their values and points, and the
 * {@link dev.infersweep.spec.RunSpec} of each training run with its model, data, timing settings,
 * precisions, protocols, optimizer and device kind. Nothing here reads files or talks to an engine.
 */
package dev.infersweep.spec;
