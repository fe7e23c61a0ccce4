package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
  /** Why the twin is incomplete or missing; null when it is complete. */
  final String rescaleNote;

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
        exponents = trace.rescaleExponents();
        int[] baselineExponents = TimedArithmetic.trace(precision, b.weightValues(), b.layerValues(input)).rescaleExponents();
        models.put(TimedModel.RESCALED, InferenceModel.rescaled(manager, device, trained.weights(), type, exponents));
        models.put(TimedModel.RESCALED_BASELINE, InferenceModel.rescaled(manager, device, initial.weights(), type, baselineExponents));
        InferenceModel twin = models.get(TimedModel.RESCALED);
        boolean clean = TimedArithmetic.trace(precision, twin.weightValues(), twin.layerValues(input)).clean();
        rescaleNote = clean ? null : "the trained model's values span more than " + precision.label() + "'s range, so subnormal values remain in the twin";
      } else {
        exponents = new int[0];
        rescaleNote = unavailable;
      }
      models.put(TimedModel.TRAINED_COPY, new InferenceModel(manager, device, trained.weights(), type));
      models.put(TimedModel.BASELINE_COPY, new InferenceModel(manager, device, initial.weights(), type));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    models.values().forEach(InferenceModel::close);
  }
}
