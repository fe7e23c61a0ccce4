/**
 * One training run on an executor, as a pipeline of stages that each return a value:
 * {@code OpenStage} (engine, device, environment, precision support, data) →
 * {@code TrainStage} (checkpoints; the seed article's protocol inside the
 * training loop) → {@code TimeStage} (the rigorous protocol) →
 * {@code ProbeStage} (model-state diagnostics) →
 * {@code RowAssembler} (exactly one row per cell).
 * {@link dev.infersweep.run.RunTask} chains them and never throws: failures are rows.
 */
package dev.infersweep.run;
