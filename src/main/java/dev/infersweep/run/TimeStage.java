package dev.infersweep.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.engine.FlushToZero;
import dev.infersweep.result.Cause;
import dev.infersweep.result.Shares;
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
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.train.ScriptedState;
import dev.infersweep.train.ServedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * The rigorous protocol: each rigorous cell's trained model timed against the epoch-0 model and the
 * control models ({@link TimedModel}), all interleaved in the same rounds, after training; plus the
 * numeric trace of one call on the timed input and the cause the controls point to ({@link Cause}).
 */
final class TimeStage {
  /**
   * FTZ and DAZ on for exactly a flush twin's block, on the thread that runs it and each worker of
   * its intra-op pool; off again before the timer computes anything, so no other model and no Java
   * arithmetic runs flushed.
   */
  static final InterleavedTimer.BlockHook FLUSH =
      new InterleavedTimer.BlockHook() {
        @Override
        public void before() {
          FlushToZero.on();
        }

        @Override
        public void after() {
          FlushToZero.off();
        }
      };

  /**
   * What times the models: {@link InterleavedTimer#measure}, or a fake in tests that pins which
   * ratio lands in which field.
   */
  @FunctionalInterface
  interface Timer {
    InterleavedTimer.Result measure(
        List<Runnable> calls,
        List<InterleavedTimer.BlockHook> hooks,
        List<InterleavedTimer.Comparison> comparisons,
        Predicate<List<PairedRatio>> undecided,
        InterleavedTimer.Settings settings,
        IntSupplier activeTasks);
  }

  private TimeStage() {}

  static Map<Point, Outcome> time(Opened opened, Trained trained, IntSupplier activeTasks) {
    return time(opened, trained, activeTasks, InterleavedTimer::measureCalls);
  }

  static Map<Point, Outcome> time(Opened opened, Trained trained, IntSupplier activeTasks, Timer timer) {
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
      out.put(cell, measure(opened, cell, trained.checkpoints().get(cell.get(Axes.EPOCHS)), initial, activeTasks, timer));
    }
    return out;
  }

  private static Outcome measure(
      Opened opened, Point cell, Checkpoint checkpoint, Checkpoint initial, IntSupplier activeTasks, Timer timer) {
    RunSpec spec = opened.spec();
    Precision precision = cell.get(Axes.PRECISION);
    int batch = cell.get(Axes.BATCH_SIZE);
    // The cell's intra-op count, for its models, checks and blocks; the task's own count after it.
    try (DjlRuntime.IntraOpThreads threads = DjlRuntime.intraOpThreads(cell.get(Axes.INTRA_OP_THREADS));
        NDManager manager = NDManager.newBaseManager(opened.device())) {
      NDList input = cast(Inputs.create(manager, spec, batch), precision);
      try (CellModels cellModels = models(opened, manager, precision, checkpoint, initial, input)) {
        InterleavedTimer.Result r = timed(spec, cell, cellModels, input, activeTasks, timer);
        if (r.ratios() == null) {
          return new Outcome.Failed(
              "fewer than 2 block pairs free of GC pauses within timing.max_seconds (" + r.gcPauses() + " pauses)");
        }
        return new Outcome.Measured(measurement(r, cellModels));
      }
    } catch (Throwable e) {
      return Outcome.Failed.of(e);
    }
  }

  /** Integer ids stay integers in every precision: only floating features take the cell's type. */
  private static NDList cast(NDList input, Precision precision) {
    NDList out = new NDList(input.size());
    for (NDArray x : input) {
      out.add(x.getDataType().isFloating() && x.getDataType() != precision.dataType() ? x.toType(precision.dataType(), false) : x);
    }
    return out;
  }

  private static CellModels models(
      Opened opened, NDManager manager, Precision precision, Checkpoint checkpoint, Checkpoint initial, NDList input) {
    if (opened.spec().model() instanceof ScriptedModel scripted) {
      return new CellModels(
          scripted, opened.device(), (ScriptedState) checkpoint.snapshot(), (ScriptedState) initial.snapshot());
    }
    return new CellModels(manager, opened.device(), precision, checkpoint, initial, input.singletonOrThrow());
  }

  /**
   * The present models interleaved, and the contrasts between those present; a row whose cause the
   * intervals cannot tell yet is measured past timing.max_seconds ({@link Cause#undecided}).
   */
  static InterleavedTimer.Result timed(
      RunSpec spec, Point cell, CellModels cellModels, NDList input, IntSupplier activeTasks, Timer timer) {
    Map<TimedModel, ServedModel> models = cellModels.models;
    List<TimedModel> order = new ArrayList<>(models.keySet());
    List<Runnable> calls = new ArrayList<>();
    List<InterleavedTimer.BlockHook> hooks = new ArrayList<>();
    for (TimedModel m : order) {
      // Prepared here, outside every clock (an ONNX Runtime model makes its input tensor once).
      calls.add(models.get(m).call(input));
      hooks.add(m.flushed() ? FLUSH : InterleavedTimer.BlockHook.NONE);
    }
    List<InterleavedTimer.Comparison> comparisons = new ArrayList<>();
    for (TimedModel.Contrast c : present(models)) {
      comparisons.add(new InterleavedTimer.Comparison(order.indexOf(c.model), order.indexOf(c.reference)));
    }
    TimingSpec t = spec.timing();
    // The round order is seeded from the cell's identity (labels, not enum hash codes, which
    // change from JVM to JVM), so a row's measurement design can be reproduced.
    InterleavedTimer.Settings settings =
        new InterleavedTimer.Settings(
            t.blockSize(), t.warmupIterations(), t.warmupMaxSeconds(), t.minBlocks(), t.targetCi(), t.maxSeconds(),
            Objects.hash(spec.runId(), cell.get(Axes.EPOCHS), cell.get(Axes.PRECISION).label(), cell.get(Axes.BATCH_SIZE)));
    Predicate<List<PairedRatio>> undecided = list -> {
      Map<TimedModel.Contrast, PairedRatio> ratios = byContrast(cellModels, list);
      PairedRatio latency = ratios.get(TimedModel.Contrast.LATENCY);
      return latency != null && Cause.undecided(latency, controls(ratios, cellModels));
    };
    return timer.measure(calls, hooks, comparisons, undecided, settings, activeTasks);
  }

  private static List<TimedModel.Contrast> present(Map<TimedModel, ServedModel> models) {
    return Arrays.stream(TimedModel.Contrast.values())
        .filter(c -> models.containsKey(c.model) && models.containsKey(c.reference))
        .toList();
  }

  /** The timer's ratios, one per present contrast in order, by contrast. */
  private static Map<TimedModel.Contrast, PairedRatio> byContrast(CellModels cell, List<PairedRatio> list) {
    List<TimedModel.Contrast> contrasts = present(cell.models);
    Map<TimedModel.Contrast, PairedRatio> ratios = new EnumMap<>(TimedModel.Contrast.class);
    for (int i = 0; i < contrasts.size(); i++) {
      ratios.put(contrasts.get(i), list.get(i));
    }
    return ratios;
  }

  private static Controls controls(Map<TimedModel.Contrast, PairedRatio> ratios, CellModels cell) {
    return new Controls(
        ratios.get(TimedModel.Contrast.ZEROED),
        ratios.get(TimedModel.Contrast.RESCALED),
        ratios.get(TimedModel.Contrast.AA),
        ratios.get(TimedModel.Contrast.AA_LATENCY),
        Arrays.stream(cell.exponents).boxed().toList(),
        cell.rescaleComplete,
        cell.rescaleNote,
        ratios.get(TimedModel.Contrast.FLUSHED),
        ratios.get(TimedModel.Contrast.FLUSHED_VS_TRAINED),
        cell.flushUnavailable);
  }

  /** No baseline to time against: a model read from a registry is timed against its own controls only. */
  static final String NO_BASELINE =
      "a model read from a registry has no baseline; its cause rests on the zeroed copy and the flush twin against the model itself";

  static Measurement measurement(InterleavedTimer.Result r, CellModels cell) {
    List<TimedModel> order = new ArrayList<>(cell.models.keySet());
    Map<TimedModel.Contrast, PairedRatio> ratios = byContrast(cell, r.ratios());
    PairedRatio latency = ratios.get(TimedModel.Contrast.LATENCY);
    Controls controls = controls(ratios, cell);
    Integer baseline = cell.models.containsKey(TimedModel.BASELINE) ? order.indexOf(TimedModel.BASELINE) : null;
    return new Measurement(
        r.stats().get(order.indexOf(TimedModel.TRAINED)),
        baseline == null ? null : r.stats().get(baseline).p50Nanos(),
        latency == null ? null : latency.ratio(),
        latency == null ? null : latency.ciLow(),
        latency == null ? null : latency.ciHigh(),
        latency == null ? null : latency.logSe(),
        latency == null ? null : latency.df(),
        r.ciReached(),
        r.rounds(),
        r.warmupSeconds(),
        r.measureSeconds(),
        r.gcPauses(),
        r.concurrentTasks(),
        controls,
        cell.trace == null ? null : cell.trace.arithmetic(),
        cell.trace == null ? List.of() : cell.trace.layers(),
        cell.trace == null ? null : cell.trace.productSubnormalFraction(),
        latency == null ? Cause.ofModel(controls) : Cause.of(latency, controls),
        Shares.of(latency, controls),
        latency == null ? NO_BASELINE : null);
  }
}
