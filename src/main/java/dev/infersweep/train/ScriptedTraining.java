package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.function.Consumer;

/**
 * Trains a TorchScript module from the bytes the driver shipped: a fresh module per run (the file's
 * weights are epoch 0), every step a DJL autograd step of the grid's optimizer on the run's minibatch
 * ({@link TorchScriptTrainer}), the same checkpoints, step windows and time limit as a declared
 * network ({@link TrainingLoop}). A checkpoint keeps the module's whole state as libtorch saves it
 * (parameters and buffers), never the module.
 */
final class ScriptedTraining {
  private ScriptedTraining() {}

  static void train(RunSpec spec, ScriptedModel scripted, Device device, TrainingSet data, Consumer<Checkpoint> checkpoints) {
    TorchScriptModel model;
    try {
      model = TorchScriptModel.load(scripted.archive(), device);
    } catch (MalformedModelException e) {
      throw new IllegalStateException(
          "the TorchScript model the driver checked does not load on this executor: " + e.getMessage(), e);
    }
    try (model;
        NDManager manager = NDManager.newBaseManager(device)) {
      TorchScriptTrainer trainer = new TorchScriptTrainer(model, Training.optimizer(spec), scripted.loss());
      Batches batches = Training.batches(spec, data);
      TrainingLoop.Evaluator eval = (epoch, steps, seconds, stepMicros) ->
          checkpoint(model, scripted, manager, data, epoch, steps, seconds, stepMicros);
      new TrainingLoop(spec, eval, checkpoints).run(() -> {
        TrainingSet batch = batches.next();
        long start = System.nanoTime();
        // Per-step arrays live in a sub-manager so many steps do not accumulate native memory.
        try (NDManager scratch = manager.newSubManager()) {
          NDList x = ModelInput.create(scratch, batch.features(), batch.samples(), scripted.inputs());
          trainer.step(x, Objective.labels(scratch, scripted, batch));
        }
        return System.nanoTime() - start;
      });
    }
  }

  private static Checkpoint checkpoint(
      TorchScriptModel model, ScriptedModel scripted, NDManager manager, TrainingSet data,
      int epoch, long steps, double seconds, Double stepMicros) {
    try (NDManager eval = manager.newSubManager()) {
      NDList x = ModelInput.create(eval, data.features(), data.samples(), scripted.inputs());
      NDArray y = Objective.labels(eval, scripted, data);
      // Eval mode without autograd (the module is in training, so not InferenceMode: see forward).
      NDArray prediction = model.forward(x);
      prediction.attach(eval);
      double loss = Objective.value(scripted.loss(), prediction, y);
      Double accuracy = scripted.loss().classification() ? Objective.accuracy(prediction, y) : null;
      if (!Double.isFinite(loss)) {
        throw new Training.DivergedException("train_loss became " + loss + " at epoch " + epoch + "; the run diverged");
      }
      return new Checkpoint(epoch, steps, loss, accuracy, seconds, stepMicros, ScriptedState.of(model));
    }
  }
}
