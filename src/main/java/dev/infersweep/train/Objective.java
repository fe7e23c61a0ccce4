package dev.infersweep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.infersweep.net.LossFunction;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.TrainingSet;

/** The losses as PyTorch defines them (means), for the autograd path and the checkpoints. */
final class Objective {
  private Objective() {}

  /**
   * The loss DJL's Trainer minimises. DJL's own {@code L2Loss} is ½·mean(...), not PyTorch's
   * {@code MSELoss}, so MSE is written out.
   */
  static Loss loss(LossFunction function) {
    return switch (function) {
      case CROSS_ENTROPY -> Loss.softmaxCrossEntropyLoss();
      case MSE -> new Loss("mse") {
        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
          return predictions.singletonOrThrow().sub(labels.singletonOrThrow()).square().mean();
        }
      };
    };
  }

  /** The labels as an array: class indices (samples) or targets (samples × outputs). */
  static NDArray labels(NDManager manager, ModelSpec network, TrainingSet data) {
    return network.loss().classification()
        ? manager.create(data.labels(), new Shape(data.samples()))
        : manager.create(data.labels(), new Shape(data.samples(), data.targetWidth()));
  }

  static double value(LossFunction function, NDArray prediction, NDArray labels) {
    return loss(function).evaluate(new NDList(labels), new NDList(prediction)).getFloat();
  }

  /** Fraction of samples whose largest output is their label. */
  static double accuracy(NDArray prediction, NDArray labels) {
    return prediction.argMax(1).toType(labels.getDataType(), false).eq(labels)
        .toType(DataType.FLOAT32, false).mean().getFloat();
  }
}
