/**
 * Engine start-up: {@link dev.infersweep.engine.DjlRuntime} loads DJL's PyTorch engine once per JVM,
 * offline, from the bundled native library, and sets its thread count.
 */
package dev.infersweep.engine;
