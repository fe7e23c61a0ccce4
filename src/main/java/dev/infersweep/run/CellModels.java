package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.probe.TimedArithmetic;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import java.util.EnumMap;
import java.util.Map;

/**
 * The models one rigorous cell times, by name, with the numeric trace of the trained model's call
 * and the rescale twins' exponents. Closing it frees them all.
 */
final class CellModels implements AutoCloseable {
  final Map<TimedModel, InferenceModel> models = new EnumMap<>(TimedModel.class);
  final TimedArithmetic trace;
  final int[] exponents;
  /** Whether the rescale twin has no subnormal value left on the timed input. */
  final boolean rescaleComplete;
  /** Why the twin is incomplete or missing, or how it was made complete; null for a plain complete twin. */
  final String rescaleNote;
  /** Why the flush twin is not timed; null when it is. */
  final String flushUnavailable;

  CellModels(NDManager manager, Device device, Precision precision, Checkpoint trained, Checkpoint initial, NDArray input) {
    DataType type = precision.dataType();
    try {
      models.put(TimedModel.TRAINED, new InferenceModel(manager, device, trained.weights(), type));
      models.put(TimedModel.BASELINE, new InferenceModel(manager, device, initial.weights(), type));
      InferenceModel t = models.get(TimedModel.TRAINED);
      InferenceModel b = models.get(TimedModel.BASELINE);
      trace = TimedArithmetic.trace(precision, t.weightValues(), t.layerValues(input));
      // The controls (docs/measurement.md): each is allocated on its own, after the two models.
      models.put(TimedModel.ZEROED, new InferenceModel(manager, device, trained.weights(), type, true));
      Twin twin = twin(manager, device, precision, trained, initial, input);
      exponents = twin.exponents();
      rescaleComplete = twin.complete();
      rescaleNote = twin.note();
      models.put(TimedModel.TRAINED_COPY, new InferenceModel(manager, device, trained.weights(), type));
      models.put(TimedModel.BASELINE_COPY, new InferenceModel(manager, device, initial.weights(), type));
      // The flush twin is the trained and epoch-0 models themselves (the same tensors in the same
      // memory), timed with flush-to-zero on: only the thread's arithmetic mode differs.
      flushUnavailable = device.isGpu()
          ? "the row runs on a GPU, which the CPU thread's flush-to-zero switch does not reach"
          : FlushToZero.unavailableReason();
      if (flushUnavailable == null) {
        models.put(TimedModel.FLUSHED, t);
        models.put(TimedModel.FLUSHED_BASELINE, b);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The rescale twin's exponents, whether it is complete, and what the row should say of it. */
  private record Twin(int[] exponents, boolean complete, String note) {}

  /**
   * Adds the rescale twins of the trained and epoch-0 models, where the network has one; where
   * the plain twin is incomplete, tries it with the subnormal weights zeroed first.
   */
  private Twin twin(NDManager manager, Device device, Precision precision, Checkpoint trained, Checkpoint initial, NDArray input) {
    String unavailable = trained.weights().network().rescaleUnavailableReason();
    if (unavailable != null) {
      return new Twin(new int[0], false, unavailable);
    }
    DataType type = precision.dataType();
    InferenceModel b = models.get(TimedModel.BASELINE);
    int[] twinExponents = trace.rescaleExponents();
    int[] baselineExponents = TimedArithmetic.trace(precision, b.weightValues(), b.layerValues(input)).rescaleExponents();
    models.put(TimedModel.RESCALED, InferenceModel.rescaled(manager, device, trained.weights(), type, twinExponents));
    models.put(TimedModel.RESCALED_BASELINE, InferenceModel.rescaled(manager, device, initial.weights(), type, baselineExponents));
    if (clean(precision, models.get(TimedModel.RESCALED), input)) {
      return new Twin(twinExponents, true, null);
    }
    // Subnormal weights beside normal ones can span more than the range on their own; with them
    // zeroed first (as in the zeroed copy) the rest may fit.
    InferenceModel zeroed = models.get(TimedModel.ZEROED);
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
    java.util.Set<InferenceModel> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    distinct.addAll(models.values());
    distinct.forEach(InferenceModel::close);
  }
}
