package dev.infersweep.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.Outcome;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.Protocol;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.timing.SeedProtocolTimer;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The seed article's protocol, measured at each checkpoint as training reaches it: no warm-up,
 * gradients recorded, a fixed number of calls, the loop's mean wall time. Its ratio is after /
 * before, "before" being epoch 0 measured cold.
 */
final class SeedProtocolStage {
  /** The raw figures of one cell, turned into a measurement once epoch 0's are known. */
  private record Figures(LatencyStats stats, double loopMeanNanos, double seconds, int concurrent) {}

  private final Opened opened;
  private final IntSupplier activeTasks;
  private final Map<Point, Figures> figures = new HashMap<>();
  private final Map<Point, Outcome> failures = new HashMap<>();

  SeedProtocolStage(Opened opened, IntSupplier activeTasks) {
    this.opened = opened;
    this.activeTasks = activeTasks;
  }

  /** Measures every seed-protocol cell of {@code checkpoint} in a runnable precision. */
  void measure(Checkpoint checkpoint) {
    for (Point cell : opened.spec().cells()) {
      if (cell.get(Axes.PROTOCOL) != Protocol.SEED
          || cell.get(Axes.EPOCHS) != checkpoint.epoch()
          || !opened.runnable(cell.get(Axes.PRECISION))) {
        continue;
      }
      try {
        figures.put(cell, time(cell, checkpoint));
      } catch (Throwable t) {
        failures.put(cell, Outcome.Failed.of(t));
      }
    }
  }

  private Figures time(Point cell, Checkpoint checkpoint) {
    Precision precision = cell.get(Axes.PRECISION);
    int batch = cell.get(Axes.BATCH_SIZE);
    try (DjlRuntime.IntraOpThreads threads = DjlRuntime.intraOpThreads(cell.get(Axes.INTRA_OP_THREADS));
        NDManager manager = NDManager.newBaseManager(opened.device());
        InferenceModel model =
            new InferenceModel(manager, opened.device(), checkpoint.weights(), precision.dataType())
                .trackGradients()) {
      NDArray input = model.cast(Inputs.values(opened.spec(), batch), new Shape(batch, opened.spec().model().input()));
      int concurrent = activeTasks.getAsInt();
      long start = System.nanoTime();
      SeedProtocolTimer.Result r;
      // Gradients recorded, as in the article (no torch.no_grad()); one collector per process.
      synchronized (DjlRuntime.AUTOGRAD) {
        try (GradientCollector collector = DjlRuntime.engine().newGradientCollector()) {
          r = SeedProtocolTimer.measure(model::forward, input, opened.spec().timing().seedIterations());
        }
      }
      return new Figures(
          LatencyStats.of(r.samples()),
          r.loopMeanNanos(),
          (System.nanoTime() - start) / 1e9,
          Math.max(concurrent, activeTasks.getAsInt()));
    }
  }

  /** Every measured or failed cell's outcome, with the article's ratio (after / before). */
  Map<Point, Outcome> outcomes() {
    Map<Point, Outcome> out = new LinkedHashMap<>(failures);
    figures.forEach(
        (cell, f) -> {
          Figures before = figures.get(cell.with(Axes.EPOCHS, 0));
          out.put(
              cell,
              new Outcome.Measured(
                  Measurement.seed(
                      f.stats(),
                      before == null ? null : before.stats().p50Nanos(),
                      before == null ? null : f.loopMeanNanos() / before.loopMeanNanos(),
                      f.seconds(),
                      f.concurrent())));
        });
    return out;
  }
}
