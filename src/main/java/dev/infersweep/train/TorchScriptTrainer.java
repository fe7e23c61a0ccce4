package dev.infersweep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.net.LossFunction;
import java.util.List;

/**
 * Trains a {@link TorchScriptModel} in place through DJL autograd: forward in train mode inside a
 * gradient collector, backward, then the DJL optimizer's update of each floating parameter (the
 * PyTorch engine's update zeroes the gradient it used). This is what DJL's {@code Trainer.step()}
 * does for one device ({@code LocalParameterServer}), without a {@code Trainer}'s manager, metrics and
 * listeners; {@code TorchScriptModelTest} holds the two to the same parameters.
 */
public final class TorchScriptTrainer {
  private final TorchScriptModel model;
  private final Optimizer optimizer;
  private final Loss loss;
  private final List<Parameter> parameters;

  public TorchScriptTrainer(TorchScriptModel model, Optimizer optimizer, LossFunction loss) {
    this.model = model;
    this.optimizer = optimizer;
    this.loss = Objective.loss(loss);
    this.parameters = model.trainable();
    model.trainMode();
  }

  /**
   * One training step on a minibatch: the loss (PyTorch's mean cross-entropy or MSE) of the model as
   * it was before the step, whose gradient then updates every floating parameter once.
   *
   * @param labels class indices ({@code [n]}) for cross-entropy, targets ({@code [n, outputs]}) for MSE
   */
  public float step(NDArray input, NDArray labels) {
    return step(new NDList(input), labels);
  }

  /** {@link #step(NDArray, NDArray)} of a model whose forward takes several inputs, in order. */
  public float step(NDList input, NDArray labels) {
    float value;
    // The step's arrays (prediction, loss, the backward seed) live in a scratch manager, freed here.
    try (NDManager scratch = input.head().getManager().newSubManager()) {
      synchronized (DjlRuntime.AUTOGRAD) {
        try (GradientCollector collector = input.head().getManager().getEngine().newGradientCollector()) {
          NDArray prediction = model.forwardTraining(input);
          prediction.attach(scratch);
          NDArray l = loss.evaluate(new NDList(labels), new NDList(prediction));
          l.attach(scratch);
          value = l.getFloat();
          collector.backward(l);
        }
      }
      for (Parameter p : parameters) {
        NDArray weight = p.getArray();
        try (NDArray grad = weight.getGradient()) {
          optimizer.update(p.getId(), weight, grad);
        }
      }
    }
    return value;
  }

  /** The loss of the model as it is, in eval mode without autograd. */
  public float loss(NDArray input, NDArray labels) {
    try (NDManager scratch = input.getManager().newSubManager()) {
      NDArray prediction = model.forward(input);
      prediction.attach(scratch);
      NDArray l = loss.evaluate(new NDList(labels), new NDList(prediction));
      l.attach(scratch);
      return l.getFloat();
    }
  }

  /**
   * The DJL optimizer for a sweep's optimizer axis, as {@code Training} makes it for declared
   * networks: SGD's and Adam's weight decay added to the gradient (PyTorch's L2 {@code
   * weight_decay}), AdamW's decoupled.
   */
  public static Optimizer optimizer(dev.infersweep.spec.Optimizer kind, float learningRate, float momentum, float weightDecay) {
    Tracker lr = Tracker.fixed(learningRate);
    return switch (kind) {
      case SGD -> {
        var builder = Optimizer.sgd().setLearningRateTracker(lr).optWeightDecays(weightDecay);
        yield (momentum == 0 ? builder : builder.optMomentum(momentum)).build();
      }
      case ADAM -> Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
      case ADAMW -> Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
    };
  }
}
