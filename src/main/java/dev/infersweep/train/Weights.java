package dev.infersweep.train;

import dev.infersweep.spec.ModelSpec;

/**
 * A copy of SimpleNet's fp32 parameters taken at a checkpoint, held in Java arrays so it is detached
 * from autograd, from the training manager and from the device.
 */
public record Weights(
    ModelSpec model, float scale, float[] fc1Weight, float[] fc1Bias, float[] fc2Weight, float[] fc2Bias) {

  public Weights {
    check("fc1Weight", fc1Weight, (long) model.hidden() * model.input());
    check("fc1Bias", fc1Bias, model.hidden());
    check("fc2Weight", fc2Weight, (long) model.output() * model.hidden());
    check("fc2Bias", fc2Bias, model.output());
  }

  private static void check(String name, float[] values, long expected) {
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "'" + name + "' must hold " + expected + " values, found " + values.length);
    }
  }
}
