/**
 * Result rows: {@link dev.infersweep.result.ResultRow} (one per run and measurement cell) with its
 * {@link dev.infersweep.result.Outcome} (measured, failed or unsupported, hence a
 * {@link dev.infersweep.result.RowStatus}), the training figures, the model-state
 * {@link dev.infersweep.result.Diagnostics} and the {@link dev.infersweep.result.Environment}; and
 * {@link dev.infersweep.result.ResultSchema}, the single list of Parquet columns with their types,
 * documented column by column in {@code docs/results-schema.md}; {@link
 * dev.infersweep.result.ResultFiles} reads written rows back.
 */
package dev.infersweep.result;
