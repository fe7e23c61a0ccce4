/**
 * Errors the user can act on: {@link dev.infersweep.error.SweepException} carries a kind (usage,
 * I/O, conflict); {@link dev.infersweep.error.ConfigException} is the usage kind. Only the
 * {@code cli} package turns kinds into exit codes.
 */
package dev.infersweep.error;
