package dev.infersweep.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * The rigorous protocol: each rigorous cell's trained model timed against the epoch-0 model and
 * against a copy with its subnormal weights zeroed, interleaved in blocks, after training.
 */
final class TimeStage {
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
    try (NDManager manager = NDManager.newBaseManager(opened.device());
        InferenceModel trainedModel = new InferenceModel(manager, opened.device(), checkpoint.weights(), type);
        InferenceModel baseline = new InferenceModel(manager, opened.device(), initial.weights(), type);
        InferenceModel zeroed = new InferenceModel(manager, opened.device(), checkpoint.weights(), type, true)) {
      NDArray input = trainedModel.cast(Inputs.values(spec, batch), new Shape(batch, spec.model().input()));
      TimingSpec t = spec.timing();
      // The bootstrap is seeded from the cell's identity (labels, not enum hash codes, which change
      // from JVM to JVM), so a row's interval can be reproduced exactly.
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
              List.<UnaryOperator<NDArray>>of(trainedModel::forward, baseline::forward, zeroed::forward),
              input,
              List.of(new InterleavedTimer.Comparison(0, 1), new InterleavedTimer.Comparison(0, 2)),
              settings,
              activeTasks);
      if (r.ratios() == null) {
        return new Outcome.Failed(
            "fewer than 2 block pairs free of GC pauses within timing.max_seconds (" + r.gcPauses() + " pauses)");
      }
      PairedRatio ratio = r.ratios().get(0);
      return new Outcome.Measured(
          new Measurement(
              r.stats().get(0),
              r.stats().get(1).p50Nanos(),
              ratio.ratio(),
              ratio.ciLow(),
              ratio.ciHigh(),
              r.ciReached(),
              r.rounds(),
              r.warmupSeconds(),
              r.measureSeconds(),
              r.gcPauses(),
              r.concurrentTasks(),
              r.ratios().get(1)));
    } catch (Throwable e) {
      return new Outcome.Failed(Host.describe(e));
    }
  }
}
