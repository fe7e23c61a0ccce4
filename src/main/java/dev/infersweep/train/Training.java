package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.infersweep.engine.DjlRuntime;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Full-batch training as in the seed article (every epoch is one optimiser step over all samples),
 * with a {@link Checkpoint} taken at each requested epoch.
 */
public final class Training {
  private Training() {}

  /** Thrown when training runs past {@code train.timeout_seconds}. */
  public static final class TimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TimeoutException(String message) {
      super(message);
    }
  }

  /** Thrown when the loss stops being a finite number. */
  public static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(String message) {
      super(message);
    }
  }

  /** One optimiser step of the whole batch. */
  private interface Step {
    void run();
  }

  /**
   * Trains {@code spec}'s network to its last checkpoint, handing over each checkpoint (and epoch 0,
   * listed or not) as soon as it is taken, so that those before a failure are kept. The consumer
   * runs while training is paused.
   *
   * <p>This is the fast path: SimpleNet's gradients are written out by hand (two linear layers, a
   * ReLU, softmax cross-entropy: about fifteen array operations, laid out as libtorch runs them
   * fastest; measurement.md has the timings) and handed to the same DJL optimiser updates the
   * autograd path uses. It records no autograd graph, so tasks of one executor train in
   * parallel; {@link #trainWithAutograd} is the straightforward reference, and {@code TrainingTest}
   * checks that both reach the same losses and weights.
   *
   * @throws DivergedException when the loss at a checkpoint is not finite
   */
  public static void train(
      RunSpec spec, Device device, SyntheticData data, Consumer<Checkpoint> checkpoints) {
    SimpleNet net = new SimpleNet(spec.model(), spec.get(Axes.ACTIVATION_SCALE), spec.get(Axes.SEED));
    try (NDManager manager = NDManager.newBaseManager(device)) {
      int n = data.samples();
      int classes = spec.model().output();
      net.initialize(manager, DataType.FLOAT32, new Shape(n, data.input()));
      NDArray x = manager.create(data.features(), new Shape(n, data.input()));
      NDArray y = manager.create(data.labels(), new Shape(n));
      // Constants of the backward pass, made once: the samples transposed (so that dW1 is one
      // contiguous matrix product), the one-hot labels divided by n, transposed, and n itself (DJL
      // turns every Java scalar operand into a new native array, which costs more than the operation).
      NDArray xT = manager.create(transpose(data.features(), n, data.input()), new Shape(data.input(), n));
      NDArray targetT = manager.create(oneHotOverN(data.labels(), classes), new Shape(classes, n));
      NDArray count = manager.create((float) n);
      NDArray scale = SimpleNet.scaleArray(manager, (float) spec.get(Axes.ACTIVATION_SCALE).doubleValue());
      NDArray w1 = net.fc1Weight().getArray();
      NDArray b1 = net.fc1Bias().getArray();
      NDArray w2 = net.fc2Weight().getArray();
      NDArray b2 = net.fc2Bias().getArray();
      Optimizer optimizer = optimizer(spec);
      List<NDArray> kept = new ArrayList<>(List.of(x, xT, targetT, count, w1, b1, w2, b2));
      if (scale != null) {
        kept.add(scale);
      }
      Step step =
          () -> {
            try (NDManager scratch = manager.newSubManager()) {
              for (NDArray a : kept) {
                a.tempAttach(scratch);
              }
              // Forward, as SimpleNet.forward computes it, keeping what the backward pass needs.
              NDArray z1 = Linear.linear(x, w1, b1).singletonOrThrow();
              NDArray a1 = Activation.relu(z1);
              NDArray h = scale == null ? a1 : a1.mul(scale);
              NDArray z2 = Linear.linear(h, w2, b2).singletonOrThrow();
              // Backward, classes × samples: d(mean cross-entropy)/d(logits) = (softmax − one-hot) / n.
              // The softmax runs over the transposed view, where its rows are long and contiguous.
              NDArray dz2T = z2.transpose().softmax(0).divi(count).subi(targetT);
              NDArray dw2 = dz2T.matMul(h);
              NDArray db2 = dz2T.sum(new int[] {1});
              NDArray dh = dz2T.transpose().matMul(w2);
              if (scale != null) {
                dh.muli(scale);
              }
              // ReLU's derivative: 1 where it passed its input, 0 elsewhere; sign(relu(z)) is exactly
              // that, with no Java scalar to wrap (a NaN stays NaN, and the checkpoint reports it).
              NDArray dz1 = dh.muli(a1.sign());
              NDArray dw1 = xT.matMul(dz1).transpose();
              NDArray db1 = dz1.sum(new int[] {0});
              optimizer.update(net.fc1Weight().getId(), w1, dw1);
              optimizer.update(net.fc1Bias().getId(), b1, db1);
              optimizer.update(net.fc2Weight().getId(), w2, dw2);
              optimizer.update(net.fc2Bias().getId(), b2, db2);
            }
          };
      loop(spec, net, x, y, Loss.softmaxCrossEntropyLoss(), step, checkpoints);
    }
  }

  /**
   * The same training through DJL's {@code Trainer} and autograd: the straightforward path, kept as
   * the reference the fast one is checked and benchmarked against. One autograd graph at a time
   * per process ({@link DjlRuntime#AUTOGRAD}), so tasks of one executor take turns.
   */
  public static void trainWithAutograd(
      RunSpec spec, Device device, SyntheticData data, Consumer<Checkpoint> checkpoints) {
    synchronized (DjlRuntime.AUTOGRAD) {
      SimpleNet net = new SimpleNet(spec.model(), spec.get(Axes.ACTIVATION_SCALE), spec.get(Axes.SEED));
      try (Model model = Model.newInstance("simplenet-" + spec.runId(), device, "PyTorch")) {
        model.setBlock(net);
        DefaultTrainingConfig config =
            new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer(spec))
                .optDevices(new Device[] {device});
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(data.samples(), data.input()));
          NDManager manager = trainer.getManager();
          NDArray x = manager.create(data.features(), new Shape(data.samples(), data.input()));
          NDArray y = manager.create(data.labels(), new Shape(data.samples()));
          Loss loss = trainer.getLoss();
          Step step =
              () -> {
                // Per-epoch arrays live in a sub-manager so 1000 epochs do not accumulate native memory.
                try (NDManager scratch = manager.newSubManager()) {
                  x.tempAttach(scratch);
                  y.tempAttach(scratch);
                  try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray prediction = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray value = loss.evaluate(new NDList(y), new NDList(prediction));
                    collector.backward(value);
                  }
                  trainer.step();
                }
              };
          loop(spec, net, x, y, loss, step, checkpoints);
        }
      }
    }
  }

  /** Runs {@code step} epoch after epoch, taking the checkpoints, within the time limit. */
  private static void loop(
      RunSpec spec, SimpleNet net, NDArray x, NDArray y, Loss loss, Step step, Consumer<Checkpoint> checkpoints) {
    long trainNanos = 0;
    // Epoch 0 is always taken: it is the reference every checkpoint is compared with.
    List<Integer> stops = new ArrayList<>(spec.checkpoints());
    if (stops.get(0) != 0) {
      stops.add(0, 0);
    }
    int next = 0;
    long deadline = System.nanoTime() + (long) (spec.trainTimeoutSeconds() * 1e9);
    for (int epoch = 0; ; epoch++) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException(
            "training exceeded train.timeout_seconds (" + spec.trainTimeoutSeconds() + " s) at epoch " + epoch);
      }
      if (stops.get(next) == epoch) {
        checkpoints.accept(snapshot(net, spec, epoch, trainNanos, x, y, loss));
        if (++next == stops.size()) {
          break;
        }
      }
      long start = System.nanoTime();
      step.run();
      trainNanos += System.nanoTime() - start;
    }
  }

  /** {@code rows × cols} row-major, transposed. */
  private static float[] transpose(float[] values, int rows, int cols) {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }

  /** The labels one-hot, divided by their count, classes × samples. */
  private static float[] oneHotOverN(float[] labels, int classes) {
    int n = labels.length;
    float[] out = new float[classes * n];
    float share = 1f / n;
    for (int i = 0; i < n; i++) {
      out[(int) labels[i] * n + i] = share;
    }
    return out;
  }

  private static Optimizer optimizer(RunSpec spec) {
    float lr = spec.get(Axes.LEARNING_RATE).floatValue();
    float decay = spec.get(Axes.WEIGHT_DECAY).floatValue();
    // Weight decay is added to the gradient (L2), as PyTorch's SGD and Adam weight_decay do.
    return switch (spec.get(Axes.OPTIMIZER)) {
      case SGD -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(decay).build();
      case ADAM -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(decay).build();
    };
  }

  private static Checkpoint snapshot(
      SimpleNet net, RunSpec spec, int epoch, long trainNanos, NDArray x, NDArray y, Loss loss) {
    Weights weights =
        new Weights(
            spec.model(),
            spec.get(Axes.ACTIVATION_SCALE).floatValue(),
            net.fc1Weight().getArray().toFloatArray(),
            net.fc1Bias().getArray().toFloatArray(),
            net.fc2Weight().getArray().toFloatArray(),
            net.fc2Bias().getArray().toFloatArray());
    double lossValue;
    double accuracy;
    try (NDManager eval = x.getManager().newSubManager()) {
      x.tempAttach(eval);
      y.tempAttach(eval);
      // Outside a GradientCollector PyTorch records no graph: this is a plain evaluation.
      NDArray prediction =
          SimpleNet.forward(
              x,
              net.fc1Weight().getArray(),
              net.fc1Bias().getArray(),
              net.fc2Weight().getArray(),
              net.fc2Bias().getArray(),
              SimpleNet.scaleArray(eval, weights.scale()),
              false);
      lossValue = loss.evaluate(new NDList(y), new NDList(prediction)).getFloat();
      accuracy =
          prediction
              .argMax(1)
              .toType(y.getDataType(), false)
              .eq(y)
              .toType(DataType.FLOAT32, false)
              .mean()
              .getFloat();
    }
    if (!Double.isFinite(lossValue)) {
      throw new DivergedException(
          "train_loss became " + lossValue + " at epoch " + epoch + "; the run diverged");
    }
    return new Checkpoint(epoch, lossValue, accuracy, trainNanos / 1e9, weights);
  }
}
