package dev.infersweep.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.probe.ModelProbe;
import dev.infersweep.result.Diagnostics;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.TrainingSet;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import java.util.HashMap;
import java.util.Map;

/** Reads each checkpoint's state in each runnable precision (see {@link ModelProbe}). */
final class ProbeStage {
  private ProbeStage() {}

  /** Diagnostics by model; a model whose state cannot be read is left out (its rows are still timed). */
  static Map<ModelKey, Diagnostics> probe(Opened opened, Trained trained) {
    Map<ModelKey, Diagnostics> out = new HashMap<>();
    for (int epoch : opened.spec().checkpoints()) {
      Checkpoint checkpoint = trained.checkpoints().get(epoch);
      if (checkpoint == null) {
        continue;
      }
      for (Precision precision : opened.spec().precisions()) {
        if (opened.runnable(precision)) {
          Diagnostics d = probe(opened, checkpoint, precision);
          if (d != null) {
            out.put(new ModelKey(epoch, precision), d);
          }
        }
      }
    }
    return out;
  }

  private static Diagnostics probe(Opened opened, Checkpoint checkpoint, Precision precision) {
    TrainingSet probe = opened.data().head(ModelProbe.PROBE_SAMPLES);
    try (NDManager manager = NDManager.newBaseManager(opened.device());
        InferenceModel model =
            new InferenceModel(manager, opened.device(), checkpoint.weights(), precision.dataType())) {
      NDArray x = model.cast(probe.features(), new Shape(probe.samples(), probe.input()));
      return ModelProbe.measure(model, precision, x);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
