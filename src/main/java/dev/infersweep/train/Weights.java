package dev.infersweep.train;

import dev.infersweep.net.Network;
import java.util.List;

/**
 * A copy of a network's fp32 parameters taken at a checkpoint, layer by layer, held in Java arrays
 * so it is detached from autograd, from the training manager and from the device.
 *
 * @param scale the activation scale applied after every hidden activation
 * @param weights per layer, {@code units × fanIn} row-major
 * @param biases per layer, {@code units}
 */
public record Weights(Network network, float scale, List<float[]> weights, List<float[]> biases) implements Snapshot {
  public Weights {
    weights = List.copyOf(weights);
    biases = List.copyOf(biases);
    if (weights.size() != network.depth() || biases.size() != network.depth()) {
      throw new IllegalArgumentException(
          "weights for " + network.depth() + " layers expected, found " + weights.size() + " and " + biases.size() + " biases");
    }
    for (int i = 0; i < network.depth(); i++) {
      check("layer " + i + " weight", weights.get(i), network.weightCount(i));
      check("layer " + i + " bias", biases.get(i), network.layers().get(i).units());
    }
  }

  private static void check(String name, float[] values, long expected) {
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "'" + name + "' must hold " + expected + " values, found " + values.length);
    }
  }
}
