package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.infersweep.grid.ModelSpec;

/**
 * The seed article's SimpleNet: {@code fc2(relu(fc1(x)) × scale)}. The multiplication is left out
 * when the scale is 1, as in the article's unmodified network.
 *
 * <p>Training and inference share {@link #forward}, so the timed computation is exactly the
 * trained one: the same engine operators ({@code torch::linear}, {@code relu}, {@code mul}).
 */
public final class SimpleNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final ModelSpec spec;
  private final float scale;
  private final Parameter fc1Weight;
  private final Parameter fc1Bias;
  private final Parameter fc2Weight;
  private final Parameter fc2Bias;

  /**
   * @param seed the run's seed; each parameter draws from its own stream derived from it
   */
  public SimpleNet(ModelSpec spec, double activationScale, long seed) {
    super(VERSION);
    this.spec = spec;
    this.scale = (float) activationScale;
    fc1Weight = addParameter(parameter("fc1.weight", Parameter.Type.WEIGHT, new Shape(spec.hidden(), spec.input()), spec.input(), seed, 1));
    fc1Bias = addParameter(parameter("fc1.bias", Parameter.Type.BIAS, new Shape(spec.hidden()), spec.input(), seed, 2));
    fc2Weight = addParameter(parameter("fc2.weight", Parameter.Type.WEIGHT, new Shape(spec.output(), spec.hidden()), spec.hidden(), seed, 3));
    fc2Bias = addParameter(parameter("fc2.bias", Parameter.Type.BIAS, new Shape(spec.output()), spec.hidden(), seed, 4));
  }

  private static Parameter parameter(
      String name, Parameter.Type type, Shape shape, int fanIn, long seed, int stream) {
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
    return new NDList(
        forward(
            x,
            store.getValue(fc1Weight, device, training),
            store.getValue(fc1Bias, device, training),
            store.getValue(fc2Weight, device, training),
            store.getValue(fc2Bias, device, training),
            scale,
            false));
  }

  /**
   * The network's computation.
   *
   * @param release close intermediate arrays at once (inference); training leaves them to the
   *     enclosing manager because autograd may still need them
   */
  public static NDArray forward(
      NDArray x, NDArray w1, NDArray b1, NDArray w2, NDArray b2, float scale, boolean release) {
    NDArray hidden = Linear.linear(x, w1, b1).singletonOrThrow();
    NDArray activated = Activation.relu(hidden);
    if (release) {
      hidden.close();
    }
    if (scale != 1f) {
      NDArray scaled = activated.mul(scale);
      if (release) {
        activated.close();
      }
      activated = scaled;
    }
    NDArray out = Linear.linear(activated, w2, b2).singletonOrThrow();
    if (release) {
      activated.close();
    }
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), spec.output())};
  }

  Parameter fc1Weight() {
    return fc1Weight;
  }

  Parameter fc1Bias() {
    return fc1Bias;
  }

  Parameter fc2Weight() {
    return fc2Weight;
  }

  Parameter fc2Bias() {
    return fc2Bias;
  }
}
