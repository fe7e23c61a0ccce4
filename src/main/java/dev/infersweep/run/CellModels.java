package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.engine.OrtPoolProbe;
import dev.infersweep.probe.TimedArithmetic;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.archive.ArchiveException;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.train.ScriptedState;
import dev.infersweep.train.ServedModel;
import dev.infersweep.train.TorchScriptModel;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.read.ReadModels;
import ai.djl.MalformedModelException;
import ai.onnxruntime.OrtException;
import dev.infersweep.archive.ModelFormat;
import dev.infersweep.read.OrtModel;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The models one rigorous cell times, by name, with the numeric trace of the trained model's call
 * and the rescale twins' exponents. Closing it frees them all.
 */
final class CellModels implements AutoCloseable {
  final Map<TimedModel, ServedModel> models = new EnumMap<>(TimedModel.class);
  /** The numeric trace of the trained model's call; null for a model without declared layers. */
  final TimedArithmetic trace;
  final int[] exponents;
  /** Whether the rescale twin has no subnormal value left on the timed input. */
  final boolean rescaleComplete;
  /** Why the twin is incomplete or missing, or how it was made complete; null for a plain complete twin. */
  final String rescaleNote;
  /** Why the flush twin is not timed; null when it is. */
  final String flushUnavailable;

  /** The models of a cell of a declared network: the trained and epoch-0 models and every control. */
  CellModels(NDManager manager, Device device, Precision precision, Checkpoint trained, Checkpoint initial, NDArray input) {
    DataType type = precision.dataType();
    try {
      InferenceModel t = put(TimedModel.TRAINED, new InferenceModel(manager, device, trained.weights(), type));
      InferenceModel b = put(TimedModel.BASELINE, new InferenceModel(manager, device, initial.weights(), type));
      trace = TimedArithmetic.trace(precision, t.weightValues(), t.layerValues(input));
      // The controls (docs/measurement.md): each is allocated on its own, after the two models.
      put(TimedModel.ZEROED, new InferenceModel(manager, device, trained.weights(), type, true));
      Twin twin = twin(manager, device, precision, trained, initial, input, b);
      exponents = twin.exponents();
      rescaleComplete = twin.complete();
      rescaleNote = twin.note();
      put(TimedModel.TRAINED_COPY, new InferenceModel(manager, device, trained.weights(), type));
      put(TimedModel.BASELINE_COPY, new InferenceModel(manager, device, initial.weights(), type));
      flushUnavailable = flushTwin(device);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The models of a cell of a TorchScript module: each a fresh module loaded from the checkpoint's
   * whole state, parameters and buffers (a trained module is never timed itself, see {@link
   * TorchScriptModel}); the zeroed copy is that state with every subnormal parameter and buffer value
   * set to 0. It has no rescale twin and no numeric trace; the model says why.
   */
  CellModels(ScriptedModel scripted, Device device, ScriptedState trained, ScriptedState initial) {
    trace = null;
    exponents = new int[0];
    rescaleComplete = false;
    rescaleNote = scripted.rescaleUnavailableReason();
    try {
      put(TimedModel.TRAINED, TorchScriptModel.load(trained.archive(), device));
      put(TimedModel.BASELINE, TorchScriptModel.load(initial.archive(), device));
      put(TimedModel.ZEROED, TorchScriptModel.load(zeroed(trained), device));
      put(TimedModel.TRAINED_COPY, TorchScriptModel.load(trained.archive(), device));
      put(TimedModel.BASELINE_COPY, TorchScriptModel.load(initial.archive(), device));
      flushUnavailable = flushTwin(device);
    } catch (MalformedModelException e) {
      close();
      throw new IllegalStateException("the TorchScript model the driver checked does not load on this executor: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The models of a cell of a model read from a file: the file as served, its A/A copy and its zeroed
   * copy (the same file with every subnormal parameter, buffer or initializer set to 0), and in a
   * series the baseline and its copy; each a model of its own from the bytes, in the file's engine
   * (libtorch for TorchScript, ONNX Runtime for ONNX, with {@code threads} intra-op threads).
   */
  CellModels(ReadModels files, Device device, int threads) {
    this(files, device, threads, OrtPoolProbe::unavailableReason);
  }

  /**
   * As above, with {@code poolCheck} the verdict on ONNX Runtime's pool at a thread count above 1
   * (null when the twin's options flush every worker; {@link OrtPoolProbe} in a task, a fixed
   * verdict in tests).
   */
  CellModels(ReadModels files, Device device, int threads, IntFunction<String> poolCheck) {
    trace = null;
    exponents = new int[0];
    rescaleComplete = false;
    rescaleNote = files.spec().rescaleUnavailableReason();
    try {
      flushUnavailable = files.model().format() == ModelFormat.ONNX ? onnx(files, threads, poolCheck) : torchScript(files, device);
    } catch (MalformedModelException | OrtException e) {
      close();
      throw new IllegalStateException("the checked model file does not load again: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static byte[] zeroed(ScriptedState state) {
    try {
      return TorchArchive.read(state.archive()).withSubnormalsZeroed().bytes();
    } catch (ArchiveException e) {
      throw new IllegalStateException("libtorch wrote a checkpoint this reader cannot read: " + e.getMessage(), e);
    }
  }

  private String torchScript(ReadModels files, Device device) throws MalformedModelException {
    byte[] model = files.model().bytes();
    put(TimedModel.TRAINED, TorchScriptModel.load(model, device));
    if (files.baseline() != null) {
      put(TimedModel.BASELINE, TorchScriptModel.load(files.baseline().bytes(), device));
    }
    put(TimedModel.ZEROED, TorchScriptModel.load(files.model().zeroedBytes(), device));
    put(TimedModel.TRAINED_COPY, TorchScriptModel.load(model, device));
    if (files.baseline() != null) {
      put(TimedModel.BASELINE_COPY, TorchScriptModel.load(files.baseline().bytes(), device));
    }
    return flushTwin(device);
  }

  /**
   * ONNX Runtime sessions on the CPU. The zeroed copy is a session of the patched bytes (not of the
   * original with its initializers overridden), so ONNX Runtime's graph optimisations and weight
   * prepacking see the zeroed values exactly as they see the original's. The flush twin is a session
   * of its own with ONNX Runtime's {@code session.set_denormal_as_zero} (its pool threads), and the
   * timer's flush hook for its blocks (the calling thread, where one intra-op thread runs every
   * kernel and which ONNX Runtime's option does not reach: {@link dev.infersweep.engine.OnnxRuntime}).
   * Above one thread the twin is timed only where {@code poolCheck} saw the option flush the pool's
   * workers: never a twin that flushes the caller alone.
   */
  private String onnx(ReadModels files, int threads, IntFunction<String> poolCheck) throws OrtException {
    byte[] model = files.model().bytes();
    byte[] baseline = files.baseline() == null ? null : files.baseline().bytes();
    put(TimedModel.TRAINED, OrtModel.load(model, threads, false));
    if (baseline != null) {
      put(TimedModel.BASELINE, OrtModel.load(baseline, threads, false));
    }
    put(TimedModel.ZEROED, OrtModel.load(files.model().zeroedBytes(), threads, false));
    put(TimedModel.TRAINED_COPY, OrtModel.load(model, threads, false));
    if (baseline != null) {
      put(TimedModel.BASELINE_COPY, OrtModel.load(baseline, threads, false));
    }
    String unavailable = FlushToZero.unavailableReason();
    if (unavailable == null && threads > 1) {
      unavailable = poolCheck.apply(threads);
    }
    if (unavailable == null) {
      put(TimedModel.FLUSHED, OrtModel.load(model, threads, true));
      if (baseline != null) {
        put(TimedModel.FLUSHED_BASELINE, OrtModel.load(baseline, threads, true));
      }
    }
    return unavailable;
  }

  private <M extends ServedModel> M put(TimedModel role, M model) {
    models.put(role, model);
    return model;
  }

  /**
   * Adds the flush twin where the switch is available and says why not where it is not. The twin is
   * the trained and epoch-0 models themselves (the same tensors in the same memory), timed with
   * flush-to-zero on: only the thread's arithmetic mode differs.
   */
  private String flushTwin(Device device) {
    String unavailable = device.isGpu()
        ? "the row runs on a GPU, which the CPU thread's flush-to-zero switch does not reach"
        : FlushToZero.unavailableReason();
    if (unavailable == null) {
      models.put(TimedModel.FLUSHED, models.get(TimedModel.TRAINED));
      if (models.containsKey(TimedModel.BASELINE)) {
        models.put(TimedModel.FLUSHED_BASELINE, models.get(TimedModel.BASELINE));
      }
    }
    return unavailable;
  }

  /** The rescale twin's exponents, whether it is complete, and what the row should say of it. */
  private record Twin(int[] exponents, boolean complete, String note) {}

  /**
   * Adds the rescale twins of the trained and epoch-0 models, where the network has one; where
   * the plain twin is incomplete, tries it with the subnormal weights zeroed first.
   */
  private Twin twin(
      NDManager manager, Device device, Precision precision, Checkpoint trained, Checkpoint initial, NDArray input, InferenceModel b) {
    String unavailable = trained.weights().network().rescaleUnavailableReason();
    if (unavailable != null) {
      return new Twin(new int[0], false, unavailable);
    }
    DataType type = precision.dataType();
    int[] twinExponents = trace.rescaleExponents();
    int[] baselineExponents = TimedArithmetic.trace(precision, b.weightValues(), b.layerValues(input)).rescaleExponents();
    models.put(TimedModel.RESCALED, InferenceModel.rescaled(manager, device, trained.weights(), type, twinExponents));
    models.put(TimedModel.RESCALED_BASELINE, InferenceModel.rescaled(manager, device, initial.weights(), type, baselineExponents));
    if (clean(precision, (InferenceModel) models.get(TimedModel.RESCALED), input)) {
      return new Twin(twinExponents, true, null);
    }
    // Subnormal weights beside normal ones can span more than the range on their own; with them
    // zeroed first (as in the zeroed copy) the rest may fit.
    InferenceModel zeroed = (InferenceModel) models.get(TimedModel.ZEROED);
    int[] zeroedExponents = TimedArithmetic.trace(precision, zeroed.weightValues(), zeroed.layerValues(input)).rescaleExponents();
    InferenceModel zeroedTwin = InferenceModel.rescaledZeroed(manager, device, trained.weights(), type, zeroedExponents);
    if (clean(precision, zeroedTwin, input)) {
      models.put(TimedModel.RESCALED, zeroedTwin).close();
      return new Twin(zeroedExponents, true, "the trained model's values span more than " + precision.label()
          + "'s range; its subnormal weights were zeroed before rescaling (as in the zeroed copy), which made the twin complete");
    }
    zeroedTwin.close();
    return new Twin(twinExponents, false, "the trained model's values span more than " + precision.label()
        + "'s range, so subnormal values remain in the twin (also with its subnormal weights zeroed)");
  }

  private static boolean clean(Precision precision, InferenceModel model, NDArray input) {
    return TimedArithmetic.trace(precision, model.weightValues(), model.layerValues(input)).clean();
  }

  @Override
  public void close() {
    // The flush twin shares its models with the trained and epoch-0 entries: close each once.
    java.util.Set<ServedModel> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    distinct.addAll(models.values());
    distinct.forEach(ServedModel::close);
  }
}
