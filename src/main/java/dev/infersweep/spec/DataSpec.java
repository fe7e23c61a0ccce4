package dev.infersweep.spec;

import java.io.Serializable;

/** Synthetic training data as in the seed: standard-normal features, uniform integer labels. */
public record DataSpec(int samples, long seed) implements Serializable {}
