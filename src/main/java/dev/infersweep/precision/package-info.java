/**
 * Whether this executor's engine can run an inference precision at all:
 * {@link dev.infersweep.precision.PrecisionSupport} finds out in a throw-away child JVM
 * ({@link dev.infersweep.precision.PrecisionProbe}), because some precisions (bfloat16 on DJL 0.36)
 * abort the whole process natively, so that an unsupported precision becomes a row, never a lost
 * executor. The precisions themselves are {@link dev.infersweep.spec.Precision}.
 */
package dev.infersweep.precision;
