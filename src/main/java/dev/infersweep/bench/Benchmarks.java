package dev.infersweep.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.Measurement;
import dev.infersweep.result.ResultRow;
import dev.infersweep.run.Executor;
import dev.infersweep.run.Host;
import dev.infersweep.run.RunTask;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.TrainingSet;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TimingSpec;
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
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The figures of {@code jobs/bench}, measured in this JVM. */
public final class Benchmarks {
  /** The article's training set-up: 1000 × 10 samples, full batch, SGD at lr 0.01. */
  private static final String TRAIN_GRID =
      """
      model: {input: 10, hidden: 50, output: 2}
      data: {samples: 1000, seed: 0}
      train: {optimizer: sgd, learning_rate: 0.01}
      grid: {epochs: [%s], seed: [1]}
      """;

  private static final int WARMUP_CALLS = 5_000;
  /** Measuring time of each rigorous row in the overhead and scale-out sweeps. */
  static final double FIXED_MEASURE_SECONDS = 0.1;
  /** A relative interval half-width no row reaches, so the timer runs to its time limit. */
  private static final double UNREACHABLE_CI = 1e-9;
  private static final int CALLS = 20_000;

  private Benchmarks() {}

  /**
   * The PyTorch reference's figures, from one run of its script.
   *
   * @param ops p50 of each operator of the batch-1 call on its own
   */
  public record Reference(String version, double trainStepMicros, double inferP50Micros, Map<String, Double> ops) {}

  /**
   * What was measured: medians over the rounds, and ratios taken within each round (side by side)
   * before their median, so that the machine's state, which moves over seconds, cancels.
   *
   * @param trainStepMicros the training step of the fast path (hand-written gradients)
   * @param autogradTrainStepMicros the same step through DJL's Trainer and autograd
   * @param fastOverAutograd the fast path's step over the autograd path's, per round
   * @param inferP50Micros batch-1 inference in infersweep's timed call path
   * @param javaFloorInferP50Micros the same forward pass in plain Java over the same weights
   * @param inferOpMicros p50 of each operator of the call on its own (output closed), and of the
   *     output copy: where the call's time goes
   * @param reference the PyTorch reference of the last round, or null when there is none
   * @param trainOverPytorch the fast step over PyTorch's, per round (NaN without a reference)
   * @param inferOverPytorch infersweep's batch-1 p50 over PyTorch eager's, per round (NaN without)
   * @param gridSweepSeconds the grid as it is (its own timing settings) swept through Spark
   *     {@code local[2]}, the first sweep of this JVM, as every {@code jobs/sweep run} is: the sweep
   *     time users see
   * @param gridSweepWarmSeconds the same, median of the later rounds (NaN with one round)
   * @param fixedMeasureSeconds each rigorous row's measuring time in the fixed-work sweeps below
   * @param directSeconds the grid's runs, timer doing fixed work, called one after the other in this
   *     JVM, no Spark
   * @param local1Seconds the same runs as a sweep through Spark {@code local[1]}
   * @param local2Seconds the same through {@code local[2]}
   * @param sparkOverheadFraction (local[1] − direct) / local[1], per round
   * @param sparkOverheadInSweepFraction (local[1] − its tasks' running time) / local[1], per round
   * @param scaleoutSpeedup local[1] / local[2], per round
   * @param sweepRounds each round's own figures, in order: the first round's local[1] sweep is the
   *     JVM's first Spark SQL write, which later rounds no longer pay
   */
  public record Figures(
      String cpuModel,
      int epochs,
      int rounds,
      double trainStepMicros,
      double autogradTrainStepMicros,
      double fastOverAutograd,
      double inferP50Micros,
      double javaFloorInferP50Micros,
      Map<String, Double> inferOpMicros,
      Reference reference,
      double trainOverPytorch,
      double inferOverPytorch,
      String grid,
      int runs,
      double gridSweepSeconds,
      double gridSweepWarmSeconds,
      double fixedMeasureSeconds,
      double directSeconds,
      double local1Seconds,
      double local2Seconds,
      double sparkOverheadFraction,
      double sparkOverheadInSweepFraction,
      double scaleoutSpeedup,
      List<SweepRound> sweepRounds) {}

  /**
   * One round of the sweep figures, in wall seconds.
   *
   * @param grid the grid as it is, swept through {@code local[2]}
   * @param direct the grid's runs, timer doing fixed work, called one after the other in this JVM
   * @param local1 the grid as a sweep through {@code local[1]}
   * @param local2 the same through {@code local[2]}
   * @param local1Writing the part of the local[1] sweep after the last run came back (writing,
   *     staging and publishing the rows)
   * @param directTimer the rows' warm-up and measuring seconds, summed, in the direct calls: the
   *     timer stops a row when its interval is narrow enough, so this part varies with the noise
   * @param local1Timer the same in the local[1] sweep
   * @param local1Tasks the local[1] sweep's tasks' running time, summed (Spark's executorRunTime)
   */
  public record SweepRound(
      double grid, double direct, double local1, double local2, double local1Writing, double directTimer,
      double local1Timer, double local1Tasks) {
    /** (local[1] − direct) / local[1]. */
    public double overhead() {
      return (local1 - direct) / local1;
    }

    /**
     * The share of the local[1] sweep's wall time outside its tasks (scheduling, task and result
     * serialisation, collecting, writing, publishing): Spark's overhead measured within one sweep,
     * where the machine's speed, which moves between sweeps, cancels.
     */
    public double overheadInSweep() {
      return (local1 - local1Tasks) / local1;
    }

    /** local[1] / local[2]. */
    public double speedup() {
      return local1 / local2;
    }
  }

  /**
   * Measures everything: {@code rounds} rounds of the training step (both paths), the batch-1
   * call and the reference, then {@code sweepRounds} rounds of the grid called directly, through
   * {@code local[1]} and through {@code local[2]}.
   *
   * @param sweepGrid the grid swept through Spark (the issue's {@code conf/seed.yaml})
   * @param reference runs the PyTorch reference once; null for none
   * @param work a scratch folder for the sweeps' results
   * @param progress one line per stage
   */
  public static Figures run(
      Path sweepGrid, int epochs, int rounds, int sweepRounds, Supplier<Reference> reference, Path work, PrintStream progress) {
    DjlRuntime.engine();
    DjlRuntime.useThreads(1);
    RunSpec train = trainSpec("0, " + epochs);
    TrainingSet data = SyntheticData.generate((DataSpec.Synthetic) train.data(), train.model());
    Weights weights = initialWeights(trainSpec("0"), data);
    double[] fast = new double[rounds];
    double[] autograd = new double[rounds];
    double[] infer = new double[rounds];
    double[] floor = new double[rounds];
    double[] trainRatio = new double[rounds];
    double[] inferRatio = new double[rounds];
    Reference ref = null;
    for (int r = 0; r < rounds; r++) {
      progress.println("[bench] round " + (r + 1) + "/" + rounds + ": training step (" + epochs
          + " epochs, both paths), batch-1 inference" + (reference == null ? "" : ", the PyTorch reference") + " ...");
      fast[r] = trainStepMicros(train, data, Training::trainFast);
      autograd[r] = trainStepMicros(train, data, Training::trainWithAutograd);
      infer[r] = inferP50Micros(weights);
      floor[r] = javaFloorP50Micros(weights);
      if (reference != null) {
        ref = reference.get();
        trainRatio[r] = fast[r] / ref.trainStepMicros();
        inferRatio[r] = infer[r] / ref.inferP50Micros();
      }
    }
    Map<String, Double> ops = opMicros(weights);
    double[] fastOverAutograd = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      fastOverAutograd[r] = fast[r] / autograd[r];
    }

    GridConfig grid = GridLoader.load(sweepGrid);
    GridConfig fixed = fixedWork(grid);
    List<RunSpec> specs = GridExpander.expand(fixed, "bench-direct", "2026-01-01", 1, DeviceKind.CPU);
    List<SweepRound> byRound = new ArrayList<>();
    for (int r = 0; r < sweepRounds; r++) {
      progress.println("[bench] sweep round " + (r + 1) + "/" + sweepRounds + ": " + sweepGrid + " through Spark local[2]"
          + ", then its " + specs.size() + " runs with the timer doing fixed work, called directly in this JVM ...");
      double gridSweep = sweep(grid, "local[2]", work.resolve("grid-" + r), progress).wallSeconds();
      long start = System.nanoTime();
      double directTimer = 0;
      for (RunSpec spec : specs) {
        for (ResultRow row : RunTask.execute(spec, new Executor("driver", org.apache.spark.package$.MODULE$.SPARK_VERSION()))) {
          Measurement m = row.measurement();
          directTimer += m == null ? 0 : m.warmupSeconds() + m.measureSeconds();
        }
      }
      double direct = (System.nanoTime() - start) / 1e9;
      Swept one = sweep(fixed, "local[1]", work.resolve("local1-" + r), progress);
      double local2 = sweep(fixed, "local[2]", work.resolve("local2-" + r), progress).wallSeconds();
      SweepRound round =
          new SweepRound(gridSweep, direct, one.wallSeconds(), local2, one.summary().writeSeconds(), directTimer,
              one.timerSeconds(), one.taskSeconds());
      byRound.add(round);
      progress.printf(java.util.Locale.ROOT, "[bench] sweep round %d: the grid through local[2] %.1f s; fixed work: direct %.1f s"
          + " (timer %.1f s), local[1] %.1f s (timer %.1f s, writing %.1f s), local[2] %.1f s%n",
          r + 1, round.grid(), round.direct(), round.directTimer(), round.local1(), round.local1Timer(),
          round.local1Writing(), round.local2());
    }
    List<SweepRound> later = byRound.subList(1, byRound.size());
    return new Figures(
        Host.cpuModel(), epochs, rounds, Percentiles.median(fast), Percentiles.median(autograd),
        Percentiles.median(fastOverAutograd), Percentiles.median(infer), Percentiles.median(floor), ops, ref,
        reference == null ? Double.NaN : Percentiles.median(trainRatio),
        reference == null ? Double.NaN : Percentiles.median(inferRatio),
        sweepGrid.toString(), specs.size(), byRound.get(0).grid(),
        later.isEmpty() ? Double.NaN : median(later, SweepRound::grid),
        FIXED_MEASURE_SECONDS,
        median(byRound, SweepRound::direct), median(byRound, SweepRound::local1), median(byRound, SweepRound::local2),
        median(byRound, SweepRound::overhead), median(byRound, SweepRound::overheadInSweep),
        median(byRound, SweepRound::speedup), List.copyOf(byRound));
  }

  /** The median of one figure over the sweep rounds. */
  private static double median(List<SweepRound> rounds, java.util.function.ToDoubleFunction<SweepRound> figure) {
    return Percentiles.median(rounds.stream().mapToDouble(figure).toArray());
  }

  /**
   * {@code grid} with the timer doing fixed work: an interval no row reaches, so that every rigorous
   * row measures for {@value #FIXED_MEASURE_SECONDS} s. The adaptive timer stops a row when its
   * interval is narrow enough, which on a noisy machine varies a sweep's work by tens of percent
   * between sweeps and would swamp the few percent that Spark's overhead is.
   */
  static GridConfig fixedWork(GridConfig grid) {
    TimingSpec t = grid.timing();
    TimingSpec fixed =
        new TimingSpec(t.warmupIterations(), t.warmupMaxSeconds(), t.blockSize(), t.minBlocks(), UNREACHABLE_CI,
            FIXED_MEASURE_SECONDS, t.seedIterations(), t.inputSeed());
    return new GridConfig(grid.name(), grid.file(), grid.maxRows(), grid.model(), grid.data(), grid.regime(), grid.trainTimeoutSeconds(),
        grid.axes(), fixed);
  }

  /** Training seconds / epochs of one training (the checkpoint's own clock, steps only). */
  private static double trainStepMicros(RunSpec spec, TrainingSet data, TrainPath path) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    path.train(spec, Device.cpu(), data, checkpoints::add);
    Checkpoint last = checkpoints.get(checkpoints.size() - 1);
    return last.trainSeconds() / last.epoch() * 1e6;
  }

  /** A training path: {@link Training#train} or {@link Training#trainWithAutograd}. */
  private interface TrainPath {
    void train(RunSpec spec, Device device, TrainingSet data, java.util.function.Consumer<Checkpoint> out);
  }

  /** The article's training run, with checkpoints at {@code epochs} (a YAML list's items). */
  private static RunSpec trainSpec(String epochs) {
    return GridExpander.expand(
        GridLoader.parse("bench", "bench", TRAIN_GRID.formatted(epochs)), "bench", "2026-01-01", 1, DeviceKind.CPU).get(0);
  }

  /** The epoch-0 weights of {@code spec}, which should stop at epoch 0. */
  private static Weights initialWeights(RunSpec spec, TrainingSet data) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.train(spec, Device.cpu(), data, checkpoints::add);
    return checkpoints.get(0).weights();
  }

  /**
   * infersweep's batch-1 call (the epoch-0 model of the article's set-up, forward, output copied
   * out) in a loop for {@code seconds}, for a sampling profiler to attach to
   * ({@code jobs/stress/profile-inference}).
   *
   * @return the calls made
   */
  public static long inferenceLoop(double seconds) {
    DjlRuntime.engine();
    DjlRuntime.useThreads(1);
    RunSpec spec = trainSpec("0");
    Weights weights = initialWeights(spec, SyntheticData.generate((DataSpec.Synthetic) spec.data(), spec.model()));
    return withBatchOneCall(weights, call -> {
      long calls = 0;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() - end < 0) {
        call.run();
        calls++;
      }
      return calls;
    });
  }

  /** Per-call p50 of infersweep's timed call (forward, then the output copied out), batch 1. */
  private static double inferP50Micros(Weights weights) {
    return withBatchOneCall(weights, Benchmarks::p50);
  }

  /**
   * Hands {@code use} infersweep's batch-1 call over {@code weights} in fp32 (forward, then the
   * output copied out), valid until {@code use} returns.
   */
  private static <T> T withBatchOneCall(Weights weights, java.util.function.Function<Runnable, T> use) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      NDArray x = model.cast(input(weights), new Shape(1, weights.network().input()));
      return use.apply(() -> {
        try (NDArray result = model.forward(x)) {
          result.toByteBuffer();
        }
      });
    }
  }

  /** Each operator of the batch-1 call timed on its own, as PyTorch's reference script does. */
  private static Map<String, Double> opMicros(Weights weights) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      int in = weights.network().input();
      int hid = weights.network().layers().get(0).units();
      NDArray x = manager.create(input(weights), new Shape(1, in));
      NDArray w1 = manager.create(weights.weights().get(0), new Shape(hid, in));
      NDArray b1 = manager.create(weights.biases().get(0));
      NDArray w2 = manager.create(weights.weights().get(1), new Shape(weights.network().outputs(), hid));
      NDArray b2 = manager.create(weights.biases().get(1));
      NDArray h = Activation.relu(Linear.linear(x, w1, b1).singletonOrThrow());
      out.put("linear1", p50(() -> Linear.linear(x, w1, b1).singletonOrThrow().close()));
      out.put("relu", p50(() -> Activation.relu(h).close()));
      out.put("linear2", p50(() -> Linear.linear(h, w2, b2).singletonOrThrow().close()));
      try (NDArray y = Linear.linear(h, w2, b2).singletonOrThrow()) {
        out.put("copy_output", p50(() -> y.toByteBuffer()));
      }
    }
    return out;
  }

  /** The same forward pass in plain Java: the floor no call through a native library can beat. */
  private static double javaFloorP50Micros(Weights w) {
    int in = w.network().input();
    int hid = w.network().layers().get(0).units();
    int outs = w.network().outputs();
    float[] x = input(w);
    float[] w1 = w.weights().get(0);
    float[] b1 = w.biases().get(0);
    float[] w2 = w.weights().get(1);
    float[] b2 = w.biases().get(1);
    float[] h = new float[hid];
    float[] y = new float[outs];
    double[] sink = new double[1];
    double p50 = p50(() -> {
      for (int j = 0; j < hid; j++) {
        float z = b1[j];
        for (int k = 0; k < in; k++) {
          z += w1[j * in + k] * x[k];
        }
        h[j] = Math.max(z, 0f) * w.scale();
      }
      for (int o = 0; o < outs; o++) {
        float z = b2[o];
        for (int j = 0; j < hid; j++) {
          z += w2[o * hid + j] * h[j];
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
    float[] x = new float[w.network().input()];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** p50 in microseconds of {@value #CALLS} timed calls after {@value #WARMUP_CALLS} untimed ones. */
  private static double p50(Runnable call) {
    for (int i = 0; i < WARMUP_CALLS; i++) {
      call.run();
    }
    long[] samples = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long t0 = System.nanoTime();
      call.run();
      samples[i] = System.nanoTime() - t0;
    }
    Arrays.sort(samples);
    return samples[CALLS / 2] / 1e3;
  }

  /**
   * A sweep as the benchmark saw it.
   *
   * @param timerSeconds its rows' warm-up and measuring seconds, summed (read back after the clock
   *     stopped)
   * @param taskSeconds the time Spark's tasks spent running the runs, summed (Spark's own
   *     {@code executorRunTime}): the rest of the wall time, on {@code local[1]}, is Spark's overhead
   */
  private record Swept(SweepJob.Summary summary, double timerSeconds, double taskSeconds) {
    double wallSeconds() {
      return summary.wallSeconds();
    }
  }

  /** One sweep of {@code grid} through a fresh Spark session on {@code master}. */
  private static Swept sweep(GridConfig grid, String master, Path out, PrintStream progress) {
    progress.println("[bench] sweep through Spark " + master + " ...");
    SparkSession spark = Sessions.create("infersweep-bench", master, Map.of("spark.ui.enabled", "false"));
    java.util.concurrent.atomic.LongAdder taskMillis = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder taskEnds = new java.util.concurrent.atomic.LongAdder();
    org.apache.spark.scheduler.SparkListener tasks =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
              taskMillis.add(end.taskMetrics().executorRunTime());
            }
            taskEnds.increment();
          }
        };
    spark.sparkContext().addSparkListener(tasks);
    try {
      SweepJob.Summary s =
          SweepJob.run(
              spark,
              new SweepJob.Request(grid, out.toString(), "bench", "2026-01-01", true),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      if (s.anyFailed()) {
        throw new IllegalStateException("the " + master + " sweep had failed rows: " + s.failures());
      }
      // The listener bus delivers task ends asynchronously: wait for one per run (a task each).
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (taskEnds.sum() < s.runs() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
      spark.sparkContext().removeSparkListener(tasks);
      if (taskEnds.sum() < s.runs()) {
        throw new IllegalStateException("Spark reported " + taskEnds.sum() + " of the " + s.runs() + " tasks of the sweep");
      }
      Row sum = spark.read().parquet(s.output())
          .selectExpr("coalesce(sum(warmup_seconds + measure_seconds), 0) AS timer").first();
      return new Swept(s, sum.getDouble(0), taskMillis.sum() / 1e3);
    } finally {
      spark.stop();
    }
  }
}
