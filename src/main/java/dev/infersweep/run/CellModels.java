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
      String unavailable = trained.weights().network().rescaleUnavailableReason();
      if (unavailable == null) {
        int[] twinExponents = trace.rescaleExponents();
        int[] baselineExponents = TimedArithmetic.trace(precision, b.weightValues(), b.layerValues(input)).rescaleExponents();
        models.put(TimedModel.RESCALED, InferenceModel.rescaled(manager, device, trained.weights(), type, twinExponents));
        models.put(TimedModel.RESCALED_BASELINE, InferenceModel.rescaled(manager, device, initial.weights(), type, baselineExponents));
        InferenceModel twin = models.get(TimedModel.RESCALED);
        boolean clean = TimedArithmetic.trace(precision, twin.weightValues(), twin.layerValues(input)).clean();
        String note = null;
        if (!clean) {
          // Subnormal weights beside normal ones can span more than the range on their own; with
          // them zeroed first (as in the zeroed copy) the rest may fit.
          InferenceModel zeroed = models.get(TimedModel.ZEROED);
          int[] zeroedExponents = TimedArithmetic.trace(precision, zeroed.weightValues(), zeroed.layerValues(input)).rescaleExponents();
          InferenceModel zeroedTwin = InferenceModel.rescaledZeroed(manager, device, trained.weights(), type, zeroedExponents);
          if (TimedArithmetic.trace(precision, zeroedTwin.weightValues(), zeroedTwin.layerValues(input)).clean()) {
            models.put(TimedModel.RESCALED, zeroedTwin).close();
            twinExponents = zeroedExponents;
            clean = true;
            note = "the trained model's values span more than " + precision.label() + "'s range; its subnormal weights"
                + " were zeroed before rescaling (as in the zeroed copy), which made the twin complete";
          } else {
            zeroedTwin.close();
            note = "the trained model's values span more than " + precision.label()
                + "'s range, so subnormal values remain in the twin (also with its subnormal weights zeroed)";
          }
        }
        exponents = twinExponents;
        rescaleComplete = clean;
        rescaleNote = note;
      } else {
        exponents = new int[0];
        rescaleComplete = false;
        rescaleNote = unavailable;
      }
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

  @Override
  public void close() {
    // The flush twin shares its models with the trained and epoch-0 entries: close each once.
    java.util.Set<InferenceModel> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    distinct.addAll(models.values());
    distinct.forEach(InferenceModel::close);
  }
}
