package dev.infersweep.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A network as data: its input width, its dense layers in order and the loss it trains with. Every
 * stage iterates over {@link #layers()}: the training step, the served model, the controls, the
 * numeric trace, the diagnostics and the {@code layers} result column.
 *
 * @param input features per sample
 * @param layers at least one; the last is the output layer and has no activation
 * @param loss what training minimises
 */
public record Network(int input, List<Layer> layers, LossFunction loss) implements ModelSpec {
  public Network {
    layers = List.copyOf(layers);
    if (input < 1) {
      throw new IllegalArgumentException("a network needs at least one input, not " + input);
    }
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one layer");
    }
    if (layers.get(layers.size() - 1).activation() != Activation.IDENTITY) {
      throw new IllegalArgumentException("the last layer has no activation");
    }
    if (loss.classification() && layers.get(layers.size() - 1).units() < 2) {
      throw new IllegalArgumentException("cross_entropy needs at least 2 outputs (classes)");
    }
  }

  /** The seed article's SimpleNet: Linear(input→hidden), ReLU, Linear(hidden→output), cross-entropy. */
  public static Network article(int input, int hidden, int output) {
    return new Network(
        input, List.of(new Layer(hidden, Activation.RELU), new Layer(output, Activation.IDENTITY)), LossFunction.CROSS_ENTROPY);
  }

  /** Whether this is the article's shape (two layers, ReLU, cross-entropy), whatever its widths. */
  public boolean isArticleShape() {
    return layers.size() == 2
        && layers.get(0).activation() == Activation.RELU
        && loss == LossFunction.CROSS_ENTROPY;
  }

  @Override
  public long[] sampleShape() {
    return new long[] {input};
  }

  public int depth() {
    return layers.size();
  }

  /** The network's outputs: the last layer's units (classes for cross-entropy). */
  @Override
  public int outputs() {
    return layers.get(layers.size() - 1).units();
  }

  /** The inputs of layer {@code index}: the network's input, or the previous layer's units. */
  public int fanIn(int index) {
    return index == 0 ? input : layers.get(index - 1).units();
  }

  /** Values of layer {@code index}'s weight matrix. */
  public long weightCount(int index) {
    return (long) layers.get(index).units() * fanIn(index);
  }

  /** Every weight and bias. */
  public long parameterCount() {
    long n = 0;
    for (int i = 0; i < layers.size(); i++) {
      n += weightCount(i) + layers.get(i).units();
    }
    return n;
  }

  /** Multiply-adds of one forward pass per sample, counting each as two floating-point operations. */
  public long flopsPerSample() {
    long flops = 0;
    for (int i = 0; i < layers.size(); i++) {
      flops += 2 * weightCount(i);
    }
    return flops;
  }

  /** Whether the hand-written training step covers every activation (else autograd trains it). */
  public boolean hasFastGradient() {
    return layers.stream().allMatch(l -> l.activation().hasFastGradient());
  }

  /**
   * Why no exact rescale twin exists, or null when one does: every hidden activation must commute
   * with a positive factor.
   */
  @Override
  public String rescaleUnavailableReason() {
    for (int i = 0; i < layers.size() - 1; i++) {
      Activation a = layers.get(i).activation();
      if (!a.positivelyHomogeneous()) {
        return "layer " + i + "'s " + a.label() + " does not commute with a positive factor, so no rescaled twin computes the same function";
      }
    }
    return null;
  }

  /** Declared layers are always traced. */
  @Override
  public String traceUnavailableReason() {
    return null;
  }

  /**
   * The network in the canonical text of run ids. The article's shape keeps the text it always had
   * ({@code 10x50x2}), so runs of existing sweeps keep their ids.
   */
  @Override
  public String canonical() {
    if (isArticleShape()) {
      return String.format(Locale.ROOT, "%dx%dx%d", input, layers.get(0).units(), outputs());
    }
    List<String> parts = new ArrayList<>();
    parts.add(Integer.toString(input));
    for (Layer l : layers) {
      parts.add(l.units() + (l.activation() == Activation.IDENTITY ? "" : l.activation().label()));
    }
    return String.join("-", parts) + ";loss=" + loss.label();
  }

  /** A one-line description for the plan and messages, e.g. {@code 20→256 relu→1, mse}. */
  @Override
  public String describe() {
    StringBuilder text = new StringBuilder(Integer.toString(input));
    for (Layer l : layers) {
      text.append('→').append(l.units());
      if (l.activation() != Activation.IDENTITY) {
        text.append(' ').append(l.activation().label());
      }
    }
    return text.append(", ").append(loss.label()).toString();
  }
}
