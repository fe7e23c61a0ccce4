package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.probe.TimedArithmetic;
import dev.infersweep.result.Arithmetic;
import dev.infersweep.result.Cause;
import dev.infersweep.result.Controls;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.Outcome;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.Protocol;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TimingSpec;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.InterleavedTimer;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;

/**
 * The rigorous protocol: each rigorous cell's trained model timed against the epoch-0 model and the
 * control models ({@link Controls}: subnormal-zeroed copy, rescale twins, A/A copies), all
 * interleaved in the same rounds, after training; plus the numeric trace of one call on the timed
 * input ({@link TimedArithmetic}) and the cause the controls point to ({@link Cause}).
 */
final class TimeStage {
  // The models of one cell, by their index in the timer.
  private static final int TRAINED = 0;
  private static final int BASELINE = 1;
  private static final int ZEROED = 2;
  private static final int RESCALED = 3;
  private static final int RESCALED_BASELINE = 4;
  private static final int TRAINED_COPY = 5;
  private static final int BASELINE_COPY = 6;

  private TimeStage() {}

  static Map<Point, Outcome> time(Opened opened, Trained trained, IntSupplier activeTasks) {
    Map<Point, Outcome> out = new LinkedHashMap<>();
    Checkpoint initial = trained.checkpoints().get(0);
    if (initial == null) {
      return out;
    }
    RunSpec spec = opened.spec();
    List<Point> cells = new ArrayList<>();
    for (Point cell : spec.cells()) {
      if (cell.get(Axes.PROTOCOL) == Protocol.RIGOROUS
          && trained.checkpoints().containsKey(cell.get(Axes.EPOCHS))
          && opened.runnable(cell.get(Axes.PRECISION))) {
        cells.add(cell);
      }
    }
    // A seeded random order keeps slow drift of the machine from lining up with the epochs.
    Collections.shuffle(cells, new Random(spec.get(Axes.SEED) * 7919 + spec.runIndex()));
    for (Point cell : cells) {
      out.put(cell, measure(opened, cell, trained.checkpoints().get(cell.get(Axes.EPOCHS)), initial, activeTasks));
    }
    return out;
  }

  private static Outcome measure(
      Opened opened, Point cell, Checkpoint checkpoint, Checkpoint initial, IntSupplier activeTasks) {
    RunSpec spec = opened.spec();
    Precision precision = cell.get(Axes.PRECISION);
    int batch = cell.get(Axes.BATCH_SIZE);
    DataType type = precision.dataType();
    Device device = opened.device();
    float scale = checkpoint.weights().scale();
    try (NDManager manager = NDManager.newBaseManager(device);
        InferenceModel trainedModel = new InferenceModel(manager, device, checkpoint.weights(), type);
        InferenceModel baseline = new InferenceModel(manager, device, initial.weights(), type)) {
      NDArray input = trainedModel.cast(Inputs.values(spec, batch), new Shape(batch, spec.model().input()));
      double[] served = InferenceModel.values(input);
      TimedArithmetic trainedTrace =
          TimedArithmetic.trace(precision, trainedModel.weightValues(), served, scale, spec.model());
      int[] trainedExponents = trainedTrace.rescaleExponents();
      int[] baselineExponents =
          TimedArithmetic.trace(precision, baseline.weightValues(), served, scale, spec.model()).rescaleExponents();
      // The controls (docs/measurement.md): each is allocated on its own, after the two models.
      try (InferenceModel zeroed = new InferenceModel(manager, device, checkpoint.weights(), type, true);
          InferenceModel rescaled =
              InferenceModel.rescaled(manager, device, checkpoint.weights(), type, trainedExponents[0], trainedExponents[1]);
          InferenceModel rescaledBaseline =
              InferenceModel.rescaled(manager, device, initial.weights(), type, baselineExponents[0], baselineExponents[1]);
          InferenceModel trainedCopy = new InferenceModel(manager, device, checkpoint.weights(), type);
          InferenceModel baselineCopy = new InferenceModel(manager, device, initial.weights(), type)) {
        TimingSpec t = spec.timing();
        // The round order is seeded from the cell's identity (labels, not enum hash codes, which
        // change from JVM to JVM), so a row's measurement design can be reproduced.
        InterleavedTimer.Settings settings =
            new InterleavedTimer.Settings(
                t.blockSize(),
                t.warmupIterations(),
                t.warmupMaxSeconds(),
                t.minBlocks(),
                t.targetCi(),
                t.maxSeconds(),
                Objects.hash(spec.runId(), cell.get(Axes.EPOCHS), precision.label(), batch));
        InterleavedTimer.Result r =
            InterleavedTimer.measure(
                List.<UnaryOperator<NDArray>>of(
                    trainedModel::forward,
                    baseline::forward,
                    zeroed::forward,
                    rescaled::forward,
                    rescaledBaseline::forward,
                    trainedCopy::forward,
                    baselineCopy::forward),
                input,
                List.of(
                    new InterleavedTimer.Comparison(TRAINED, BASELINE),
                    new InterleavedTimer.Comparison(TRAINED, ZEROED),
                    new InterleavedTimer.Comparison(RESCALED, RESCALED_BASELINE),
                    new InterleavedTimer.Comparison(TRAINED_COPY, TRAINED),
                    new InterleavedTimer.Comparison(TRAINED_COPY, BASELINE_COPY)),
                settings,
                activeTasks);
        if (r.ratios() == null) {
          return new Outcome.Failed(
              "fewer than 2 block pairs free of GC pauses within timing.max_seconds (" + r.gcPauses() + " pauses)");
        }
        Arithmetic left =
            TimedArithmetic.trace(precision, rescaled.weightValues(), served, scale, spec.model()).arithmetic();
        boolean complete = left.equals(new Arithmetic(0, 0, 0, 0, 0));
        List<PairedRatio> ratios = r.ratios();
        PairedRatio ratio = ratios.get(0);
        Controls controls =
            new Controls(ratios.get(1), ratios.get(2), ratios.get(3), ratios.get(4), trainedExponents[0], trainedExponents[1], complete);
        return new Outcome.Measured(
            new Measurement(
                r.stats().get(TRAINED),
                r.stats().get(BASELINE).p50Nanos(),
                ratio.ratio(),
                ratio.ciLow(),
                ratio.ciHigh(),
                r.ciReached(),
                r.rounds(),
                r.warmupSeconds(),
                r.measureSeconds(),
                r.gcPauses(),
                r.concurrentTasks(),
                controls,
                trainedTrace.arithmetic(),
                Cause.of(ratio, controls)));
      }
    } catch (Throwable e) {
      return new Outcome.Failed(Host.describe(e));
    }
  }
}
