package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.infersweep.spec.ModelSpec;

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
            scaleArray(x.getManager(), scale),
            false));
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
      NDArray x, NDArray w1, NDArray b1, NDArray w2, NDArray b2, NDArray scale, boolean release) {
    NDArray hidden = Linear.linear(x, w1, b1).singletonOrThrow();
    NDArray activated = Activation.relu(hidden);
    if (release) {
      hidden.close();
    }
    if (scale != null) {
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
