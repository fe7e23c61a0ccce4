package dev.infersweep.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.run.Executor;
import dev.infersweep.run.Host;
import dev.infersweep.run.RunTask;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.stats.Percentiles;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.SyntheticData;
import dev.infersweep.train.Training;
import dev.infersweep.train.Weights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.spark.sql.SparkSession;

/** The figures of {@code jobs/bench}, measured in this JVM. */
public final class Benchmarks {
  /** The article's training set-up: 1000 × 10 samples, full batch, SGD at lr 0.01. */
  private static final String TRAIN_GRID =
      """
      model: {input: 10, hidden: 50, output: 2}
      data: {samples: 1000, seed: 0}
      train: {optimizer: sgd, learning_rate: 0.01}
      grid: {epochs: [0, %d], seed: [1]}
      """;

  private static final int WARMUP_CALLS = 5_000;
  private static final int CALLS = 20_000;

  private Benchmarks() {}

  /**
   * What was measured (microseconds per step or call, seconds per sweep).
   *
   * @param trainStepMicros the training step of the fast path (hand-written gradients)
   * @param autogradTrainStepMicros the same step through DJL's Trainer and autograd
   * @param inferP50Micros batch-1 inference in infersweep's timed call path
   * @param javaFloorInferP50Micros the same forward pass in plain Java over the same weights
   * @param directSeconds the grid's runs called one after the other in this JVM, no Spark
   * @param local1Seconds the grid as a sweep through Spark {@code local[1]}
   * @param local2Seconds the same through {@code local[2]}
   */
  public record Figures(
      String cpuModel,
      int epochs,
      double trainStepMicros,
      double autogradTrainStepMicros,
      double inferP50Micros,
      double javaFloorInferP50Micros,
      String grid,
      int runs,
      double directSeconds,
      double local1Seconds,
      double local2Seconds) {

    /** Share of a {@code local[1]} sweep's wall time that is not the runs' own work. */
    public double sparkOverheadFraction() {
      return (local1Seconds - directSeconds) / local1Seconds;
    }

    public double scaleoutSpeedup() {
      return local1Seconds / local2Seconds;
    }
  }

  /**
   * Measures everything but the PyTorch reference.
   *
   * @param sweepGrid the grid swept through Spark (the issue's {@code conf/seed.yaml})
   * @param work a scratch folder for the sweeps' results
   * @param progress one line per stage
   */
  public static Figures run(Path sweepGrid, int epochs, Path work, PrintStream progress) {
    DjlRuntime.engine();
    DjlRuntime.useThreads(1);
    RunSpec train = GridExpander.expand(
        GridLoader.parse("bench", "bench", TRAIN_GRID.formatted(epochs)), "bench", "2026-01-01", 1, DeviceKind.CPU).get(0);
    progress.println("[bench] training step, fast path (" + epochs + " epochs, 3 repetitions) ...");
    double fast = trainStepMicros(train, Training::train);
    progress.println("[bench] training step, autograd path ...");
    double autograd = trainStepMicros(train, Training::trainWithAutograd);
    Weights weights = initialWeights(train);
    progress.println("[bench] batch-1 inference, infersweep's call path and the plain-Java floor ...");
    double infer = inferP50Micros(weights);
    double floor = javaFloorP50Micros(weights);

    GridConfig grid = GridLoader.load(sweepGrid);
    List<RunSpec> specs = GridExpander.expand(grid, "bench-direct", "2026-01-01", 1, DeviceKind.CPU);
    progress.println("[bench] " + specs.size() + " runs of " + sweepGrid + " called directly in this JVM ...");
    long start = System.nanoTime();
    for (RunSpec spec : specs) {
      RunTask.execute(spec, new Executor("driver", org.apache.spark.package$.MODULE$.SPARK_VERSION()));
    }
    double direct = (System.nanoTime() - start) / 1e9;
    double local1 = sweep(grid, "local[1]", work.resolve("local1"), progress);
    double local2 = sweep(grid, "local[2]", work.resolve("local2"), progress);
    return new Figures(Host.cpuModel(), epochs, fast, autograd, infer, floor, sweepGrid.toString(), specs.size(),
        direct, local1, local2);
  }

  /** Median over 3 trainings of training seconds / epochs, after one untimed training. */
  private static double trainStepMicros(RunSpec spec, TrainPath path) {
    SyntheticData data = SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
    double[] perStep = new double[3];
    path.train(spec, Device.cpu(), data, c -> { });
    for (int i = 0; i < perStep.length; i++) {
      List<Checkpoint> checkpoints = new ArrayList<>();
      path.train(spec, Device.cpu(), data, checkpoints::add);
      Checkpoint last = checkpoints.get(checkpoints.size() - 1);
      perStep[i] = last.trainSeconds() / last.epoch() * 1e6;
    }
    return Percentiles.median(perStep);
  }

  /** A training path: {@link Training#train} or {@link Training#trainWithAutograd}. */
  private interface TrainPath {
    void train(RunSpec spec, Device device, SyntheticData data, java.util.function.Consumer<Checkpoint> out);
  }

  private static Weights initialWeights(RunSpec spec) {
    SyntheticData data = SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.train(spec, Device.cpu(), data, checkpoints::add);
    return checkpoints.get(0).weights();
  }

  /** Per-call p50 of infersweep's timed call (forward, then the output copied out), batch 1. */
  private static double inferP50Micros(Weights weights) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      NDArray x = model.cast(input(weights), new Shape(1, weights.model().input()));
      return p50((i, out) -> {
        try (NDArray result = model.forward(x)) {
          result.toByteBuffer();
        }
      });
    }
  }

  /** The same forward pass in plain Java: the floor no call through a native library can beat. */
  private static double javaFloorP50Micros(Weights w) {
    int in = w.model().input();
    int hid = w.model().hidden();
    int outs = w.model().output();
    float[] x = input(w);
    float[] h = new float[hid];
    float[] y = new float[outs];
    double[] sink = new double[1];
    double p50 = p50((i, unused) -> {
      for (int j = 0; j < hid; j++) {
        float z = w.fc1Bias()[j];
        for (int k = 0; k < in; k++) {
          z += w.fc1Weight()[j * in + k] * x[k];
        }
        h[j] = Math.max(z, 0f) * w.scale();
      }
      for (int o = 0; o < outs; o++) {
        float z = w.fc2Bias()[o];
        for (int j = 0; j < hid; j++) {
          z += w.fc2Weight()[o * hid + j] * h[j];
        }
        y[o] = z;
      }
      // The output is consumed, so the JIT cannot drop the work.
      sink[0] += y[0];
    });
    if (Double.isNaN(sink[0])) {
      throw new IllegalStateException("the plain-Java forward produced NaN");
    }
    return p50;
  }

  private static float[] input(Weights w) {
    float[] x = new float[w.model().input()];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** p50 in microseconds of {@value #CALLS} timed calls after {@value #WARMUP_CALLS} untimed ones. */
  private static double p50(BiConsumer<Integer, Object> call) {
    for (int i = 0; i < WARMUP_CALLS; i++) {
      call.accept(i, null);
    }
    long[] samples = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long t0 = System.nanoTime();
      call.accept(i, null);
      samples[i] = System.nanoTime() - t0;
    }
    Arrays.sort(samples);
    return samples[CALLS / 2] / 1e3;
  }

  /** Wall seconds of one sweep of {@code grid} through a fresh Spark session on {@code master}. */
  private static double sweep(GridConfig grid, String master, Path out, PrintStream progress) {
    progress.println("[bench] sweep through Spark " + master + " ...");
    SparkSession spark = Sessions.create("infersweep-bench", master, Map.of("spark.ui.enabled", "false"));
    try {
      SweepJob.Summary s =
          SweepJob.run(
              spark,
              new SweepJob.Request(grid, out.toString(), "bench", "2026-01-01", true),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      if (s.anyFailed()) {
        throw new IllegalStateException("the " + master + " sweep had failed rows: " + s.failures());
      }
      return s.wallSeconds();
    } finally {
      spark.stop();
    }
  }
}
