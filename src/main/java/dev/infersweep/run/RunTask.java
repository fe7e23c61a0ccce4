package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.precision.Precision;
import dev.infersweep.precision.PrecisionSupport;
import dev.infersweep.result.Environment;
import dev.infersweep.result.ResultRow;
import dev.infersweep.timing.LatencyStats;
import dev.infersweep.timing.LatencyTimer;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.SyntheticData;
import dev.infersweep.train.Training;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Executor-side work for one run: train, then time every (checkpoint, precision, batch size) cell.
 * It never throws: whatever goes wrong becomes rows with status {@code failed} (or
 * {@code unsupported}) and the error text, so Spark does not retry a deterministic failure and every
 * run always returns exactly {@link RunSpec#expectedRows()} rows.
 */
public final class RunTask {
  private RunTask() {}

  /** What the Spark layer knows about the executor; kept out of this package's dependencies. */
  public record Executor(String executorId, String sparkVersion) {}

  public static List<ResultRow> execute(RunSpec spec, Executor executor) {
    Environment env = null;
    Map<Integer, Checkpoint> checkpoints = new TreeMap<>();
    String trainingError = null;
    Map<Precision, PrecisionSupport.Verdict> support = Map.of();
    try {
      Engine engine = DjlRuntime.engine();
      int threads = DjlRuntime.useThreads(spec.threads());
      env = environment(engine, executor, threads);
      support = PrecisionSupport.check(spec.precisions(), spec.device());
      SyntheticData data =
          SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
      Training.train(spec, DjlRuntime.device(spec.device()), data, c -> checkpoints.put(c.epoch(), c));
    } catch (Throwable t) {
      trainingError = describe(t);
    }
    List<ResultRow> rows = new ArrayList<>(spec.expectedRows());
    List<Cell> cells = new ArrayList<>();
    for (int epoch : spec.checkpoints()) {
      for (Precision precision : spec.precisions()) {
        for (int batch : spec.timing().batchSizes()) {
          cells.add(new Cell(epoch, precision, batch));
        }
      }
    }
    // A seeded random order keeps slow drift of the machine from lining up with the epochs.
    Collections.shuffle(cells, new Random(spec.seed() * 7919 + spec.runIndex()));
    for (Cell cell : cells) {
      rows.add(measure(spec, cell, env, checkpoints.get(cell.epochs), support.get(cell.precision), trainingError));
    }
    return rows;
  }

  private record Cell(int epochs, Precision precision, int batchSize) {}

  private static ResultRow measure(
      RunSpec spec,
      Cell cell,
      Environment env,
      Checkpoint checkpoint,
      PrecisionSupport.Verdict verdict,
      String trainingError) {
    if (checkpoint == null) {
      String why =
          trainingError != null
              ? trainingError
              : "training stopped before epoch " + cell.epochs + " for an unknown reason";
      return ResultRow.notMeasured(
          spec, cell.epochs, cell.precision, cell.batchSize, env, null, ResultRow.FAILED, why);
    }
    if (verdict != null && !verdict.supported()) {
      return ResultRow.notMeasured(
          spec, cell.epochs, cell.precision, cell.batchSize, env, checkpoint, ResultRow.UNSUPPORTED, verdict.reason());
    }
    try {
      Device device = DjlRuntime.device(spec.device());
      try (NDManager manager = NDManager.newBaseManager(device);
          InferenceModel model =
              new InferenceModel(manager, device, checkpoint.weights(), cell.precision.dataType())) {
        float[] values =
            SyntheticData.standardNormal(
                new SplittableRandom(spec.timing().inputSeed()), cell.batchSize * spec.model().input());
        NDArray input = model.cast(values, new Shape(cell.batchSize, spec.model().input()));
        long[] samples =
            LatencyTimer.sample(
                model::forward, input, spec.timing().warmupIterations(), spec.timing().iterations());
        return ResultRow.ok(
            spec, cell.epochs, cell.precision, cell.batchSize, env, checkpoint, LatencyStats.of(samples));
      }
    } catch (Throwable t) {
      return ResultRow.notMeasured(
          spec, cell.epochs, cell.precision, cell.batchSize, env, checkpoint, ResultRow.FAILED, describe(t));
    }
  }

  private static Environment environment(Engine engine, Executor executor, int threads) {
    return new Environment(
        hostName(),
        executor.executorId(),
        cpuModel(),
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
