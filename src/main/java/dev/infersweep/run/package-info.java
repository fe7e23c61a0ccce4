/**
 * One training run: its immutable, serialisable specification ({@link dev.infersweep.run.RunSpec}),
 * built once on the driver and shipped to an executor, and {@link dev.infersweep.run.RunTask}, the
 * executor-side code that trains, times and returns result rows without ever throwing.
 */
package dev.infersweep.run;
