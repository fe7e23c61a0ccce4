package dev.infersweep.net;

import java.io.Serializable;

/**
 * What a run trains: a network declared as layers ({@link Network}), or a TorchScript file the user
 * brings ({@link ScriptedModel}). Every stage that only needs the model's interface (its input, its
 * outputs, its loss) takes this; the stages that need the layers (the hand-written step, the rescale
 * twin, the numeric trace) take a {@link Network} and say why they do not apply to a scripted model.
 */
public sealed interface ModelSpec extends Serializable permits Network, ScriptedModel, ReadSpec {
  /** Features per sample, flattened (the product of {@link #sampleShape}). */
  int input();

  /** One sample's shape, without the batch dimension: {@code [input]} for a dense network. */
  long[] sampleShape();

  /** A batch of {@code samples} inputs: {@code [samples, ...sampleShape]}. */
  default long[] batchShape(long samples) {
    long[] sample = sampleShape();
    long[] dims = new long[sample.length + 1];
    dims[0] = samples;
    System.arraycopy(sample, 0, dims, 1, sample.length);
    return dims;
  }

  /**
   * The inputs forward takes, in order, each with what it holds: one input of float32 features of
   * {@link #sampleShape} (every declared network), or integer ids in a range, or several ({@code
   * model.inputs}); the synthetic data, the forward check, the timed input and the probe draw these.
   */
  default java.util.List<InputSpec> inputs() {
    return java.util.List.of(new InputSpec(sampleShape(), InputValues.FLOAT32));
  }

  /** Values per sample out of the model (classes for cross-entropy). */
  int outputs();

  LossFunction loss();

  /** The model in the canonical text run ids hash. */
  String canonical();

  /** A one-line description for the plan, the messages and the {@code network} column. */
  String describe();

  /** Why no exact rescale twin of this model exists, or null when one does. */
  String rescaleUnavailableReason();

  /**
   * Why the numeric trace (where one call meets subnormal values, layer by layer) is not recorded
   * for this model, or null when it is.
   */
  String traceUnavailableReason();
}
