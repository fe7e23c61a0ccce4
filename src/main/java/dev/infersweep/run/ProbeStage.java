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
import dev.infersweep.archive.ArchiveException;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.probe.TensorProbe;
import dev.infersweep.train.ScriptedState;
import dev.infersweep.train.TorchScriptModel;
import dev.infersweep.net.ScriptedModel;
import ai.djl.MalformedModelException;
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
    if (opened.spec().model() instanceof ScriptedModel scripted) {
      return probeScripted(opened, scripted, (ScriptedState) checkpoint.snapshot(), precision, probe);
    }
    try (NDManager manager = NDManager.newBaseManager(opened.device());
        InferenceModel model =
            new InferenceModel(manager, opened.device(), checkpoint.weights(), precision.dataType())) {
      NDArray x = model.cast(probe.features(), new Shape(probe.samples(), probe.input()));
      return ModelProbe.measure(model, precision, x);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A TorchScript checkpoint: every parameter and buffer of its state as saved (each subnormal or
   * not in its own type), and whether a fresh copy's outputs on the probe batch are finite.
   */
  private static Diagnostics probeScripted(
      Opened opened, ScriptedModel scripted, ScriptedState state, Precision precision, TrainingSet probe) {
    try (NDManager manager = NDManager.newBaseManager(opened.device());
        TorchScriptModel model = TorchScriptModel.load(state.archive(), opened.device())) {
      ai.djl.ndarray.NDList x = dev.infersweep.train.ModelInput.create(manager, probe.features(), probe.samples(), scripted.inputs());
      boolean finite;
      try (NDArray out = model.forward(x)) {
        finite = Float.isFinite(out.abs().max().getFloat());
      }
      return TensorProbe.of(TorchArchive.read(state.archive()).tensors(), finite);
    } catch (MalformedModelException | ArchiveException | RuntimeException e) {
      return null;
    }
  }
}
