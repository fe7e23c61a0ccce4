package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.infersweep.grid.TimingSpec;
import dev.infersweep.precision.Precision;
import dev.infersweep.precision.PrecisionSupport;
import dev.infersweep.probe.Diagnostics;
import dev.infersweep.probe.ModelProbe;
import dev.infersweep.result.Environment;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.ResultRow;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.Calibration;
import dev.infersweep.timing.InterleavedTimer;
import dev.infersweep.timing.LatencyStats;
import dev.infersweep.timing.Protocol;
import dev.infersweep.timing.SeedProtocolTimer;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.SyntheticData;
import dev.infersweep.train.Training;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Executor-side work for one run: calibrate, train (timing the seed article's protocol where it did),
 * then time every (checkpoint, precision, batch size) cell against the epoch-0 model and against a
 * copy with its subnormal weights zeroed, read the model's state, calibrate again.
 * It never throws: whatever goes wrong becomes rows with status {@code failed} (or
 * {@code unsupported}) and the error text, so Spark does not retry a deterministic failure and every
 * run always returns exactly {@link RunSpec#expectedRows()} rows.
 */
public final class RunTask {
  /** Tasks running in this JVM now: recorded with each row as a noise indicator. */
  private static final AtomicInteger ACTIVE = new AtomicInteger();

  private RunTask() {}

  /**
   * What the Spark layer knows about the executor; kept out of this package's dependencies.
   *
   * @param gpuAddresses the GPU addresses Spark assigned to the task (empty without GPU scheduling)
   */
  public record Executor(String executorId, String sparkVersion, List<String> gpuAddresses) {
    public Executor(String executorId, String sparkVersion) {
      this(executorId, sparkVersion, List.of());
    }
  }

  private record Cell(int epochs, Precision precision, int batchSize) {}

  /** A cell's result: a measurement, or the status and reason it has none. */
  private record Outcome(Measurement measurement, String status, String error) {
    static Outcome failed(Throwable t) {
      return new Outcome(null, ResultRow.FAILED, describe(t));
    }
  }

  /** The seed protocol's raw figures, turned into a measurement once epoch 0's are known. */
  private record SeedFigures(LatencyStats stats, double loopMeanNanos, double seconds, int concurrent) {}

  public static List<ResultRow> execute(RunSpec spec, Executor executor) {
    ACTIVE.incrementAndGet();
    try {
      // A GPU run uses the GPU Spark gave the task, or the first one when Spark schedules none.
      String device =
          spec.device().equals("gpu")
              ? "gpu:" + (executor.gpuAddresses().isEmpty() ? "0" : executor.gpuAddresses().get(0))
              : spec.device();
      return executeCounted(spec.onDevice(device), executor);
    } finally {
      ACTIVE.decrementAndGet();
    }
  }

  private static List<ResultRow> executeCounted(RunSpec spec, Executor executor) {
    Long calibrationStart = null;
    Environment env = null;
    Map<Integer, Checkpoint> checkpoints = new TreeMap<>();
    Map<Cell, Object> seed = new HashMap<>();
    String trainingError = null;
    Map<Precision, PrecisionSupport.Verdict> support = Map.of();
    SyntheticData data = null;
    try {
      calibrationStart = Calibration.measureNanos();
      Engine engine = DjlRuntime.engine();
      int threads = DjlRuntime.useThreads(spec.threads());
      env = environment(engine, executor, threads, spec.device());
      if (spec.device().startsWith("gpu") && engine.getGpuCount() == 0) {
        throw new IllegalStateException(
            "device "
                + spec.device()
                + " requested but PyTorch "
                + engine.getVersion()
                + " sees no GPU: the bundled library is CPU-only; give GPU executors a CUDA build"
                + " (PYTORCH_LIBRARY_PATH, see docs/cluster.md)");
      }
      Map<Precision, PrecisionSupport.Verdict> verdicts =
          PrecisionSupport.check(spec.precisions(), spec.device());
      support = verdicts;
      data = SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
      boolean seedProtocol = spec.protocols().contains(Protocol.SEED);
      Training.train(
          spec,
          DjlRuntime.device(spec.device()),
          data,
          c -> {
            checkpoints.put(c.epoch(), c);
            if (seedProtocol) {
              // Measured where the article measured: "before" on the fresh model, before any
              // training step; later checkpoints straight out of the training loop.
              measureSeed(spec, c, verdicts, seed);
            }
          });
    } catch (Throwable t) {
      trainingError = describe(t);
    }

    Map<Cell, Outcome> rigorous = new HashMap<>();
    if (spec.protocols().contains(Protocol.RIGOROUS) && checkpoints.containsKey(0)) {
      // A seeded random order keeps slow drift of the machine from lining up with the epochs.
      List<Cell> cells = cells(spec);
      Collections.shuffle(cells, new Random(spec.seed() * 7919 + spec.runIndex()));
      for (Cell cell : cells) {
        Checkpoint checkpoint = checkpoints.get(cell.epochs());
        if (checkpoint != null && runnable(support, cell.precision())) {
          rigorous.put(cell, measureRigorous(spec, cell, checkpoint, checkpoints.get(0)));
        }
      }
    }
    Map<Cell, Diagnostics> diagnostics = new HashMap<>();
    if (data != null) {
      for (Checkpoint checkpoint : checkpoints.values()) {
        for (Precision precision : spec.precisions()) {
          if (spec.checkpoints().contains(checkpoint.epoch()) && runnable(support, precision)) {
            Diagnostics d = probe(spec, checkpoint, precision, data);
            if (d != null) {
              diagnostics.put(new Cell(checkpoint.epoch(), precision, 0), d);
            }
          }
        }
      }
    }
    Long calibrationEnd = null;
    try {
      calibrationEnd = Calibration.measureNanos();
    } catch (Throwable t) {
      // Leave it null: the rows are still good.
    }

    List<ResultRow> rows = new ArrayList<>(spec.expectedRows());
    for (Protocol protocol : spec.protocols()) {
      for (Cell cell : cells(spec)) {
        Checkpoint checkpoint = checkpoints.get(cell.epochs());
        Outcome outcome;
        if (checkpoint == null) {
          outcome =
              new Outcome(
                  null,
                  ResultRow.FAILED,
                  trainingError != null
                      ? trainingError
                      : "training stopped before epoch " + cell.epochs() + " for an unknown reason");
        } else if (!runnable(support, cell.precision())) {
          outcome = new Outcome(null, ResultRow.UNSUPPORTED, support.get(cell.precision()).reason());
        } else if (protocol == Protocol.RIGOROUS) {
          outcome = rigorous.get(cell);
        } else {
          outcome = seedOutcome(seed, cell);
        }
        rows.add(
            new ResultRow(
                spec,
                cell.epochs(),
                cell.precision(),
                cell.batchSize(),
                protocol,
                env,
                checkpoint,
                diagnostics.get(new Cell(cell.epochs(), cell.precision(), 0)),
                outcome.measurement(),
                calibrationStart,
                calibrationEnd,
                Instant.now(),
                outcome.measurement() != null ? ResultRow.OK : outcome.status(),
                outcome.error()));
      }
    }
    return rows;
  }

  /**
   * Whether {@code precision} may be measured: not found unsupported. No verdict (the engine failed
   * before the probe) counts as runnable, so such a row fails with its own error instead.
   */
  private static boolean runnable(Map<Precision, PrecisionSupport.Verdict> support, Precision precision) {
    PrecisionSupport.Verdict verdict = support.get(precision);
    return verdict == null || verdict.supported();
  }

  private static List<Cell> cells(RunSpec spec) {
    List<Cell> cells = new ArrayList<>();
    for (int epoch : spec.checkpoints()) {
      for (Precision precision : spec.precisions()) {
        for (int batch : spec.timing().batchSizes()) {
          cells.add(new Cell(epoch, precision, batch));
        }
      }
    }
    return cells;
  }

  private static float[] inputValues(RunSpec spec, int batchSize) {
    return SyntheticData.standardNormal(
        new SplittableRandom(spec.timing().inputSeed()), batchSize * spec.model().input());
  }

  /** Trained model against the epoch-0 model, interleaved, in the cell's precision. */
  private static Outcome measureRigorous(
      RunSpec spec, Cell cell, Checkpoint checkpoint, Checkpoint initial) {
    try {
      Device device = DjlRuntime.device(spec.device());
      DataType type = cell.precision().dataType();
      try (NDManager manager = NDManager.newBaseManager(device);
          InferenceModel trained = new InferenceModel(manager, device, checkpoint.weights(), type);
          InferenceModel baseline = new InferenceModel(manager, device, initial.weights(), type);
          InferenceModel zeroed = new InferenceModel(manager, device, checkpoint.weights(), type, true)) {
        NDArray input =
            trained.cast(inputValues(spec, cell.batchSize()), new Shape(cell.batchSize(), spec.model().input()));
        TimingSpec t = spec.timing();
        // The bootstrap is seeded from the cell's identity (labels, not enum hash codes, which
        // change from JVM to JVM), so a row's interval can be reproduced exactly.
        InterleavedTimer.Settings settings =
            new InterleavedTimer.Settings(
                t.blockSize(),
                t.warmupIterations(),
                t.warmupMaxSeconds(),
                t.minBlocks(),
                t.targetCi(),
                t.maxSeconds(),
                Objects.hash(spec.runId(), cell.epochs(), cell.precision().label(), cell.batchSize()));
        InterleavedTimer.Result r =
            InterleavedTimer.measure(
                List.<UnaryOperator<NDArray>>of(trained::forward, baseline::forward, zeroed::forward),
                input,
                List.of(new InterleavedTimer.Comparison(0, 1), new InterleavedTimer.Comparison(0, 2)),
                settings,
                ACTIVE::get);
        if (r.ratios() == null) {
          return new Outcome(
              null,
              ResultRow.FAILED,
              "fewer than 2 block pairs free of GC pauses within timing.max_seconds (" + r.gcPauses() + " pauses)");
        }
        PairedRatio ratio = r.ratios().get(0);
        return new Outcome(
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
                r.ratios().get(1)),
            ResultRow.OK,
            null);
      }
    } catch (Throwable t) {
      return Outcome.failed(t);
    }
  }

  /** The model's state in one precision; null when it cannot be read (the row still gets timed). */
  private static Diagnostics probe(
      RunSpec spec, Checkpoint checkpoint, Precision precision, SyntheticData data) {
    Device device = DjlRuntime.device(spec.device());
    int samples = Math.min(ModelProbe.PROBE_SAMPLES, data.samples());
    float[] probe = java.util.Arrays.copyOf(data.features(), samples * data.input());
    try (NDManager manager = NDManager.newBaseManager(device);
        InferenceModel model =
            new InferenceModel(manager, device, checkpoint.weights(), precision.dataType())) {
      NDArray x = model.cast(probe, new Shape(samples, data.input()));
      return ModelProbe.measure(model, precision, x, spec.model().hidden());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The article's protocol at one checkpoint, in every supported precision and batch size. */
  private static void measureSeed(
      RunSpec spec,
      Checkpoint checkpoint,
      Map<Precision, PrecisionSupport.Verdict> support,
      Map<Cell, Object> out) {
    Device device = DjlRuntime.device(spec.device());
    for (Precision precision : spec.precisions()) {
      if (!runnable(support, precision)) {
        continue;
      }
      for (int batch : spec.timing().batchSizes()) {
        Cell cell = new Cell(checkpoint.epoch(), precision, batch);
        try (NDManager manager = NDManager.newBaseManager(device);
            InferenceModel model =
                new InferenceModel(manager, device, checkpoint.weights(), precision.dataType())
                    .trackGradients()) {
          NDArray input = model.cast(inputValues(spec, batch), new Shape(batch, spec.model().input()));
          int concurrent = ACTIVE.get();
          long start = System.nanoTime();
          SeedProtocolTimer.Result r;
          // Gradients recorded, as in the article (no torch.no_grad()).
          try (GradientCollector collector = DjlRuntime.engine().newGradientCollector()) {
            r = SeedProtocolTimer.measure(model::forward, input, spec.timing().seedIterations());
          }
          out.put(
              cell,
              new SeedFigures(
                  LatencyStats.of(r.samples()),
                  r.loopMeanNanos(),
                  (System.nanoTime() - start) / 1e9,
                  Math.max(concurrent, ACTIVE.get())));
        } catch (Throwable t) {
          out.put(cell, Outcome.failed(t));
        }
      }
    }
  }

  /** The seed row: its figures, with the ratio the article reports (after / before). */
  private static Outcome seedOutcome(Map<Cell, Object> seed, Cell cell) {
    Object raw = seed.get(cell);
    if (raw instanceof Outcome failed) {
      return failed;
    }
    if (!(raw instanceof SeedFigures figures)) {
      return new Outcome(null, ResultRow.FAILED, "the seed protocol was not measured at this checkpoint");
    }
    Object before = seed.get(new Cell(0, cell.precision(), cell.batchSize()));
    SeedFigures initial = before instanceof SeedFigures f ? f : null;
    return new Outcome(
        new Measurement(
            figures.stats(),
            initial == null ? null : initial.stats().p50Nanos(),
            initial == null ? null : figures.loopMeanNanos() / initial.loopMeanNanos(),
            null,
            null,
            null,
            null,
            0,
            figures.seconds(),
            0,
            figures.concurrent(),
            null),
        ResultRow.OK,
        null);
  }

  private static Environment environment(Engine engine, Executor executor, int threads, String device) {
    return new Environment(
        hostName(),
        executor.executorId(),
        cpuModel(),
        device.startsWith("gpu:") ? gpuName(device.substring(4)) : null,
        Engine.getDjlVersion(),
        engine.getVersion(),
        executor.sparkVersion(),
        System.getProperty("java.version"),
        threads);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The GPU's name as nvidia-smi reports it; null when nvidia-smi is missing or fails. */
  static String gpuName(String index) {
    try {
      Process p =
          new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", index)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && !out.isEmpty() ? out.lines().findFirst().orElse(null) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The CPU's model name from {@code /proc/cpuinfo}, else the architecture. */
  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: fall through.
    }
    return System.getProperty("os.arch");
  }

  /** One line: the exception's type and message, and the root cause's when it differs. */
  static String describe(Throwable t) {
    StringBuilder text = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      text.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t) {
      text.append(" (caused by ").append(root.getClass().getSimpleName());
      if (root.getMessage() != null) {
        text.append(": ").append(root.getMessage().lines().findFirst().orElse(""));
      }
      text.append(')');
    }
    return text.toString();
  }
}
