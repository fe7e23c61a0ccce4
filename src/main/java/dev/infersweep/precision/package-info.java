/**
 * Numeric precisions for inference: the {@link dev.infersweep.precision.Precision} axis, and
 * {@link dev.infersweep.precision.PrecisionSupport}, which finds out in a throw-away child JVM whether
 * this executor's engine can run a precision at all (some, such as bfloat16 on DJL 0.36, abort the
 * whole process natively), so that an unsupported precision becomes a row, never a lost executor.
 */
package dev.infersweep.precision;
