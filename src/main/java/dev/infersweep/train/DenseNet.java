package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.infersweep.net.Layer;
import dev.infersweep.net.Network;
import java.util.ArrayList;
import java.util.List;

/**
 * A declared {@link Network} as a DJL block: for each layer {@code nn.Linear} and its activation,
 * every hidden activation multiplied by the activation scale (left out when it is 1, as in the
 * article's unmodified network).
 *
 * <p>Training and inference share {@link #forward}, so the timed computation is exactly the trained
 * one: the same engine operators ({@code torch::linear}, the activation, {@code mul}).
 */
public final class DenseNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Network network;
  private final float scale;
  private final List<Parameter> weights = new ArrayList<>();
  private final List<Parameter> biases = new ArrayList<>();

  /**
   * @param seed the run's seed; each parameter draws from its own stream derived from it (the
   *     article's four tensors keep the streams they always had)
   */
  public DenseNet(Network network, double activationScale, long seed) {
    super(VERSION);
    this.network = network;
    this.scale = (float) activationScale;
    for (int i = 0; i < network.depth(); i++) {
      int units = network.layers().get(i).units();
      int fanIn = network.fanIn(i);
      weights.add(addParameter(parameter("layer" + i + ".weight", Parameter.Type.WEIGHT, new Shape(units, fanIn), fanIn, seed, 2 * i + 1)));
      biases.add(addParameter(parameter("layer" + i + ".bias", Parameter.Type.BIAS, new Shape(units), fanIn, seed, 2 * i + 2)));
    }
  }

  private static Parameter parameter(String name, Parameter.Type type, Shape shape, int fanIn, long seed, int stream) {
    return Parameter.builder()
        .setName(name)
        .setType(type)
        .optShape(shape)
        .optInitializer(new SeededUniformInitializer(fanIn, seed * 31 + stream))
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Device device = x.getDevice();
    List<NDArray> w = new ArrayList<>();
    List<NDArray> b = new ArrayList<>();
    for (int i = 0; i < network.depth(); i++) {
      w.add(store.getValue(weights.get(i), device, training));
      b.add(store.getValue(biases.get(i), device, training));
    }
    return new NDList(forward(network, x, w, b, scaleArray(x.getManager(), scale), false));
  }

  /**
   * The activation scale as a 0-dimensional fp32 array owned by {@code manager}, or null when it is
   * 1 (the multiplication is left out).
   *
   * <p>Why not {@code NDArray.mul(float)}: DJL's PyTorch engine wraps the scalar in an array over a
   * Java direct buffer and closes it straight after the multiplication, while autograd keeps a
   * reference to that buffer's memory for the backward pass. Backward then reads memory that may
   * already be freed and reused: an intermittent NaN loss in deterministic training. An array owned
   * by the step's manager lives until the step is done.
   */
  public static NDArray scaleArray(NDManager manager, float scale) {
    return scale == 1f ? null : manager.create(scale);
  }

  /**
   * The network's computation.
   *
   * @param scale the activation scale from {@link #scaleArray}; null leaves the multiplication out
   * @param release close intermediate arrays at once (inference); training leaves them to the
   *     enclosing manager because autograd may still need them
   * @return the output, owned by the input's manager
   */
  public static NDArray forward(
      Network network, NDArray x, List<NDArray> w, List<NDArray> b, NDArray scale, boolean release) {
    NDArray a = x;
    for (int i = 0; i < network.depth(); i++) {
      NDArray z = Linear.linear(a, w.get(i), b.get(i)).singletonOrThrow();
      if (release && a != x) {
        a.close();
      }
      a = i == network.depth() - 1 ? z : hidden(network.layers().get(i), z, scale, release);
    }
    return a;
  }

  /** A hidden layer's activation and scale applied to its linear output {@code z}. */
  static NDArray hidden(Layer layer, NDArray z, NDArray scale, boolean release) {
    NDArray g = layer.activation().apply(z);
    if (release && g != z) {
      z.close();
    }
    if (scale == null) {
      return g;
    }
    NDArray h = g.mul(scale);
    if (release) {
      g.close();
    }
    return h;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), network.outputs())};
  }

  List<Parameter> weightParameters() {
    return weights;
  }

  List<Parameter> biasParameters() {
    return biases;
  }

  Network network() {
    return network;
  }

  float scale() {
    return scale;
  }

  /** The parameters as they are now, copied to Java. */
  Weights snapshot() {
    List<float[]> w = new ArrayList<>();
    List<float[]> b = new ArrayList<>();
    for (int i = 0; i < network.depth(); i++) {
      w.add(weights.get(i).getArray().toFloatArray());
      b.add(biases.get(i).getArray().toFloatArray());
    }
    return new Weights(network, scale, w, b);
  }
}
