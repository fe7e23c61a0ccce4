package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.net.Network;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.function.Consumer;

/**
 * Training to the last checkpoint, minibatch by minibatch ({@link Batches}), with a
 * {@link Checkpoint} taken at each requested epoch. Dense networks whose activations have a
 * hand-written gradient take the fast path ({@link FastStep}); any other network trains through
 * DJL's {@code Trainer} and autograd, which is also the reference {@code TrainingTest} holds the
 * fast path to. A TorchScript module trains through autograd in place ({@link ScriptedTraining}).
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

  /**
   * Trains {@code spec}'s network to its last checkpoint, handing over each checkpoint (and epoch 0,
   * listed or not) as soon as it is taken, so that those before a failure are kept. The consumer
   * runs while training is paused. Every path trains with {@code spec.threads()} intra-op threads
   * (process-wide, as {@link DjlRuntime#useThreads} says).
   *
   * @param data the fixed training set (for fresh data: the set the checkpoints evaluate on)
   * @throws DivergedException when the loss at a checkpoint is not finite
   */
  public static void train(RunSpec spec, Device device, TrainingSet data, Consumer<Checkpoint> checkpoints) {
    if (spec.model() instanceof ScriptedModel scripted) {
      DjlRuntime.useThreads(spec.threads());
      ScriptedTraining.train(spec, scripted, device, data, checkpoints);
    } else if (spec.network().hasFastGradient()) {
      trainFast(spec, device, data, checkpoints);
    } else {
      trainWithAutograd(spec, device, data, checkpoints);
    }
  }

  /** The fast path: hand-written gradients, no autograd graph, so tasks train in parallel. */
  public static void trainFast(RunSpec spec, Device device, TrainingSet data, Consumer<Checkpoint> checkpoints) {
    // The intra-op thread count decides how libtorch splits the sums over samples, and so the
    // float32 result: the run's own count, never whatever the process was left with.
    DjlRuntime.useThreads(spec.threads());
    DenseNet net = new DenseNet(spec.network(), spec.get(Axes.ACTIVATION_SCALE), spec.get(Axes.SEED));
    try (NDManager manager = NDManager.newBaseManager(device)) {
      net.initialize(manager, DataType.FLOAT32, new Shape(1, data.input()));
      Batches batches = batches(spec, data);
      FastStep step = new FastStep(net, manager, optimizer(spec), batches.fullBatch() ? data : null);
      Evaluation eval = new Evaluation(net, manager, data);
      new TrainingLoop(spec, eval, checkpoints).run(() -> {
        TrainingSet batch = batches.next();
        long start = System.nanoTime();
        step.run(batch);
        return System.nanoTime() - start;
      });
    }
  }

  /**
   * The same training through DJL's {@code Trainer} and autograd: the path for networks the fast
   * one does not cover, and the reference it is checked and benchmarked against. One autograd graph
   * at a time per process ({@link DjlRuntime#AUTOGRAD}), so tasks of one executor take turns.
   */
  public static void trainWithAutograd(RunSpec spec, Device device, TrainingSet data, Consumer<Checkpoint> checkpoints) {
    DjlRuntime.useThreads(spec.threads());
    synchronized (DjlRuntime.AUTOGRAD) {
      DenseNet net = new DenseNet(spec.network(), spec.get(Axes.ACTIVATION_SCALE), spec.get(Axes.SEED));
      try (Model model = Model.newInstance("densenet-" + spec.runId(), device, "PyTorch")) {
        model.setBlock(net);
        DefaultTrainingConfig config =
            new DefaultTrainingConfig(Objective.loss(spec.model().loss()))
                .optOptimizer(optimizer(spec))
                .optDevices(new Device[] {device});
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(1, data.input()));
          NDManager manager = trainer.getManager();
          Batches batches = batches(spec, data);
          Evaluation eval = new Evaluation(net, manager, data);
          new TrainingLoop(spec, eval, checkpoints).run(() -> {
            TrainingSet batch = batches.next();
            long start = System.nanoTime();
            // Per-step arrays live in a sub-manager so many steps do not accumulate native memory.
            try (NDManager scratch = manager.newSubManager()) {
              NDArray x = scratch.create(batch.features(), new Shape(batch.samples(), batch.input()));
              NDArray y = Objective.labels(scratch, spec.model(), batch);
              try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray prediction = trainer.forward(new NDList(x)).singletonOrThrow();
                collector.backward(trainer.getLoss().evaluate(new NDList(y), new NDList(prediction)));
              }
              trainer.step();
            }
            return System.nanoTime() - start;
          });
        }
      }
    }
  }

  static Batches batches(RunSpec spec, TrainingSet data) {
    return new Batches(data, spec.data(), spec.model(), spec.regime().batch(spec.data()), spec.get(Axes.SEED));
  }

  static Optimizer optimizer(RunSpec spec) {
    float lr = spec.get(Axes.LEARNING_RATE).floatValue();
    float decay = spec.get(Axes.WEIGHT_DECAY).floatValue();
    // SGD's and Adam's weight decay is added to the gradient (L2), as PyTorch's weight_decay is;
    // AdamW's is decoupled.
    return switch (spec.get(Axes.OPTIMIZER)) {
      case SGD -> sgd(lr, (float) spec.regime().momentum(), decay);
      case ADAM -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(decay).build();
      case ADAMW -> Optimizer.adamW().optLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(decay).build();
    };
  }

  private static Optimizer sgd(float lr, float momentum, float decay) {
    var builder = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(decay);
    return (momentum == 0 ? builder : builder.optMomentum(momentum)).build();
  }

  /** The checkpoint's figures on the fixed set, outside any gradient collector. */
  record Evaluation(DenseNet net, NDManager manager, TrainingSet data) implements TrainingLoop.Evaluator {
    @Override
    public Checkpoint checkpoint(int epoch, long steps, double trainSeconds, Double stepMicros) {
      Network network = net.network();
      double loss;
      Double accuracy = null;
      try (NDManager eval = manager.newSubManager()) {
        NDArray x = eval.create(data.features(), new Shape(data.samples(), data.input()));
        NDArray y = Objective.labels(eval, network, data);
        Weights weights = net.snapshot();
        java.util.List<NDArray> w = new java.util.ArrayList<>();
        java.util.List<NDArray> b = new java.util.ArrayList<>();
        for (int i = 0; i < network.depth(); i++) {
          w.add(net.weightParameters().get(i).getArray());
          b.add(net.biasParameters().get(i).getArray());
        }
        NDArray prediction = DenseNet.forward(network, x, w, b, DenseNet.scaleArray(eval, net.scale()), false);
        loss = Objective.value(network.loss(), prediction, y);
        if (network.loss().classification()) {
          accuracy = Objective.accuracy(prediction, y);
        }
        if (!Double.isFinite(loss)) {
          throw new DivergedException("train_loss became " + loss + " at epoch " + epoch + "; the run diverged");
        }
        return new Checkpoint(epoch, steps, loss, accuracy, trainSeconds, stepMicros, weights);
      }
    }
  }
}
