package dev.infersweep.bench;

import ai.djl.Device;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.run.Host;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.TrainingSet;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.stats.Percentiles;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.SyntheticData;
import dev.infersweep.train.Training;
import dev.infersweep.train.Weights;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
   * @param sweepRounds each round's own figures, in order: the first round's local[1] sweep pays
   *     the JVM's first-time costs (class loading, the first Spark job, the first results file),
   *     which later rounds no longer pay
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
    CallRounds calls = callRounds(epochs, rounds, reference, progress);
    GridConfig grid = GridLoader.load(sweepGrid);
    GridConfig fixed = SparkSweeps.fixedWork(grid);
    List<RunSpec> specs = GridExpander.expand(fixed, "bench-direct", "2026-01-01", 1, DeviceKind.CPU);
    List<SweepRound> byRound = new ArrayList<>();
    for (int r = 0; r < sweepRounds; r++) {
      byRound.add(SparkSweeps.round(r, sweepRounds, sweepGrid, grid, fixed, specs, work, progress));
    }
    List<SweepRound> later = byRound.subList(1, byRound.size());
    return new Figures(
        Host.cpuModel(), epochs, rounds, Percentiles.median(calls.fast()), Percentiles.median(calls.autograd()),
        Percentiles.median(calls.fastOverAutograd()), Percentiles.median(calls.infer()), Percentiles.median(calls.floor()),
        calls.ops(), calls.ref(),
        reference == null ? Double.NaN : Percentiles.median(calls.trainRatio()),
        reference == null ? Double.NaN : Percentiles.median(calls.inferRatio()),
        sweepGrid.toString(), specs.size(), byRound.get(0).grid(),
        later.isEmpty() ? Double.NaN : median(later, SweepRound::grid),
        SparkSweeps.FIXED_MEASURE_SECONDS,
        median(byRound, SweepRound::direct), median(byRound, SweepRound::local1), median(byRound, SweepRound::local2),
        median(byRound, SweepRound::overhead), median(byRound, SweepRound::overheadInSweep),
        median(byRound, SweepRound::speedup), List.copyOf(byRound));
  }

  /** Each round's training steps, batch-1 calls and reference ratios; the operators, timed once. */
  private record CallRounds(
      double[] fast,
      double[] autograd,
      double[] infer,
      double[] floor,
      double[] trainRatio,
      double[] inferRatio,
      double[] fastOverAutograd,
      Reference ref,
      Map<String, Double> ops) {}

  private static CallRounds callRounds(int epochs, int rounds, Supplier<Reference> reference, PrintStream progress) {
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
      infer[r] = CallTimings.inferP50Micros(weights);
      floor[r] = CallTimings.javaFloorP50Micros(weights);
      if (reference != null) {
        ref = reference.get();
        trainRatio[r] = fast[r] / ref.trainStepMicros();
        inferRatio[r] = infer[r] / ref.inferP50Micros();
      }
    }
    Map<String, Double> ops = CallTimings.opMicros(weights);
    double[] fastOverAutograd = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      fastOverAutograd[r] = fast[r] / autograd[r];
    }
    return new CallRounds(fast, autograd, infer, floor, trainRatio, inferRatio, fastOverAutograd, ref, ops);
  }

  /** The median of one figure over the sweep rounds. */
  private static double median(List<SweepRound> rounds, java.util.function.ToDoubleFunction<SweepRound> figure) {
    return Percentiles.median(rounds.stream().mapToDouble(figure).toArray());
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
    return CallTimings.withBatchOneCall(weights, call -> {
      long calls = 0;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() - end < 0) {
        call.run();
        calls++;
      }
      return calls;
    });
  }
}
