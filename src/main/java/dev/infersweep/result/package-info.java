/**
 * Result rows: {@link dev.infersweep.result.ResultRow} (one per run × epoch checkpoint × precision ×
 * batch size, with status {@code ok}, {@code failed} or {@code unsupported}) and
 * {@link dev.infersweep.result.ResultSchema}, the single list of Parquet columns with their types,
 * documented column by column in {@code docs/results-schema.md}.
 */
package dev.infersweep.result;
