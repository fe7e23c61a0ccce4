/**
 * The Spark side: {@link dev.infersweep.spark.Sessions} builds the session,
 * {@link dev.infersweep.spark.TrainingTable} reads and validates a grid's training table once on the
 * driver ({@link dev.infersweep.spark.TableIds}: the columns that feed a model's integer ids), {@link dev.infersweep.spark.SweepJob} broadcasts it, fans runs out one per task and collects
 * their rows ({@link dev.infersweep.spark.SweepRows} checks and counts them),
 * {@link dev.infersweep.spark.ProgressListener} reports progress on the console, and
 * {@link dev.infersweep.spark.Publisher} writes the Parquet table through a staging folder (the
 * file itself made on the driver by {@code RowFile}, as Spark's writer would make it) and publishes
 * it with one rename ({@link dev.infersweep.spark.Leftovers}: what dead writers left), with the
 * {@link dev.infersweep.spark.Manifest} beside the rows.
 */
package dev.infersweep.spark;
