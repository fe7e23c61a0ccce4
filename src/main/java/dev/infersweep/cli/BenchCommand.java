package dev.infersweep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.infersweep.bench.Benchmarks;
import dev.infersweep.bench.QFunctionBench;
import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sweep bench}: infersweep's own speed, side by side with the article's PyTorch code, whose
 * script ({@code jobs/reference/pytorch_simplenet.py}) runs once per round between infersweep's
 * measurements. {@code jobs/bench} installs the reference and calls this.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark training, inference and a sweep through Spark against the PyTorch reference; print the figures and targets.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--grid", defaultValue = "conf/seed.yaml", paramLabel = "FILE",
      description = "Grid called directly and swept through Spark local[1] and local[2] (default: ${DEFAULT-VALUE}).")
  Path grid;

  @Option(names = "--epochs", defaultValue = "1000", description = "Training epochs timed per round (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--rounds", defaultValue = "5", description = "Rounds of training, inference and reference (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--sweep-rounds", defaultValue = "3",
      description = "Rounds of the grid through local[2], and of its runs with fixed timer work called directly, through local[1] and through local[2] (default: ${DEFAULT-VALUE}).")
  int sweepRounds;

  @Option(names = "--reference-command", paramLabel = "CMD",
      description = "Command printing the PyTorch reference's JSON, run once per round (words split on spaces).")
  String referenceCommand;

  @Option(names = "--baseline-sweep-seconds", defaultValue = "26.0",
      description = "The grid's sweep time before this work, for the halving target (default: ${DEFAULT-VALUE}, issue 12's 23–29 s).")
  double baselineSweepSeconds;

  @Option(names = "--q58220-steps", defaultValue = "5000",
      description = "Steps of the PyTorch #58220 training-step benchmark, normal and with weight decay 1e-2 (0 skips it; default: ${DEFAULT-VALUE}).")
  int q58220Steps;

  @Option(names = "--q58220-reference", paramLabel = "CMD",
      description = "Interpreter and script of the #58220 PyTorch reference (e.g. '/usr/bin/python3 jobs/reference/pytorch_58220.py'), run once with the same steps.")
  String q58220Reference;

  @Option(names = "--q58220-only", description = "Run only the PyTorch #58220 training-step benchmark (and its reference).")
  boolean q58220Only;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON here.")
  Path json;

  @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder for the sweeps (default: a new temporary one).")
  Path work;

  @Mixin ScanBenchOptions scan = new ScanBenchOptions();
  @Mixin CallBenchOptions calls = new CallBenchOptions();

  @Option(names = "--inference-loop", paramLabel = "SECONDS",
      description = "Only run infersweep's batch-1 call in a loop for SECONDS, for a profiler to attach to (jobs/stress/profile-inference).")
  Double inferenceLoopSeconds;

  @Override
  public Integer call() throws IOException {
    if (inferenceLoopSeconds != null) {
      System.out.println(inferenceLoop());
      return Main.OK;
    }
    Map<String, Object> figures = execute();
    for (Map.Entry<String, Object> e : figures.entrySet()) {
      System.out.printf(Locale.ROOT, "%-36s %s%n", e.getKey(), e.getValue());
    }
    if (json != null) {
      System.out.println("written: " + json.toAbsolutePath());
    }
    return Main.OK;
  }

  /** Runs the batch-1 call in a loop and says how many calls it made, and how long each took. */
  public String inferenceLoop() {
    if (!(inferenceLoopSeconds > 0) || inferenceLoopSeconds.isInfinite()) {
      throw new ConfigException("'--inference-loop' must be a positive number of seconds, not " + inferenceLoopSeconds);
    }
    long calls = Benchmarks.inferenceLoop(inferenceLoopSeconds);
    return String.format(Locale.ROOT, "inference loop: %d calls in %.1f s (%.2f µs per call)",
        calls, inferenceLoopSeconds, inferenceLoopSeconds * 1e6 / calls);
  }

  /** Runs the benchmarks and returns the figures, ratios and targets in the order they print. */
  public Map<String, Object> execute() throws IOException {
    checkOptions();
    scan.check();
    calls.check();
    if (scan.only || calls.only() || q58220Only) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("cpu_model", QFunctionBench.cpuModel());
      if (scan.only) {
        scan.run(out, work != null ? work : Files.createTempDirectory("infersweep-bench"));
      }
      if (q58220Only) {
        q58220(out);
      }
      if (calls.only()) {
        calls.run(out);
      }
      write(out);
      return out;
    }
    Supplier<Benchmarks.Reference> reference = referenceCommand == null ? null : this::reference;
    if (reference != null) {
      reference.get(); // fails fast, before minutes of measuring, when the command is broken
    }
    Path dir = work != null ? work : Files.createTempDirectory("infersweep-bench");
    Benchmarks.Figures f = Benchmarks.run(grid, epochs, rounds, sweepRounds, reference, dir, System.err);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cpu_model", f.cpuModel());
    putCallFigures(out, f);
    putSweepFigures(out, f);
    q58220(out);
    scan.run(out, dir);
    calls.run(out);
    putTargets(out, f);
    write(out);
    return out;
  }

  private void checkOptions() {
    if (epochs < 1 || rounds < 1 || sweepRounds < 1) {
      throw new ConfigException("'--epochs', '--rounds' and '--sweep-rounds' must be at least 1");
    }
    if (q58220Only && q58220Steps == 0) {
      throw new ConfigException("'--q58220-only' needs '--q58220-steps' above 1000, not 0");
    }
    if (q58220Steps != 0 && q58220Steps <= 1000) {
      throw new ConfigException("'--q58220-steps' must be 0 (skip) or more than 1000 (the last 1000 are timed), not " + q58220Steps);
    }
    if (!Files.isRegularFile(grid)) {
      throw new ConfigException("'--grid' " + grid + " does not exist");
    }
  }

  /** The training step and the batch-1 call, and the PyTorch reference's beside them. */
  private static void putCallFigures(Map<String, Object> out, Benchmarks.Figures f) {
    out.put("rounds", f.rounds());
    out.put("train_step_us", round(f.trainStepMicros()));
    out.put("autograd_train_step_us", round(f.autogradTrainStepMicros()));
    out.put("fast_over_autograd_train_step", round(f.fastOverAutograd()));
    out.put("infer_p50_us", round(f.inferP50Micros()));
    out.put("java_floor_infer_p50_us", round(f.javaFloorInferP50Micros()));
    f.inferOpMicros().forEach((op, us) -> out.put("infer_op_" + op + "_us", round(us)));
    if (f.reference() != null) {
      Benchmarks.Reference r = f.reference();
      out.put("pytorch_version", r.version());
      out.put("pytorch_train_step_us", r.trainStepMicros());
      out.put("pytorch_infer_p50_us", r.inferP50Micros());
      r.ops().forEach((op, us) -> out.put("pytorch_op_" + op + "_us", us));
      out.put("train_step_over_pytorch", round(f.trainOverPytorch()));
      out.put("infer_p50_over_pytorch", round(f.inferOverPytorch()));
    }
  }

  /** The sweeps: the grid as it is, and the fixed-work sweeps' overhead and scale-out. */
  private static void putSweepFigures(Map<String, Object> out, Benchmarks.Figures f) {
    out.put("grid", f.grid());
    out.put("runs", f.runs());
    out.put("seed_sweep_seconds", round(f.gridSweepSeconds()));
    out.put("seed_sweep_seconds_warm", round(f.gridSweepWarmSeconds()));
    out.put("fixed_measure_seconds_per_row", f.fixedMeasureSeconds());
    out.put("direct_seconds", round(f.directSeconds()));
    out.put("local1_sweep_seconds", round(f.local1Seconds()));
    out.put("local2_sweep_seconds", round(f.local2Seconds()));
    out.put("spark_overhead_fraction", round(f.sparkOverheadFraction()));
    out.put("spark_overhead_in_sweep_fraction", round(f.sparkOverheadInSweepFraction()));
    out.put("scaleout_speedup", round(f.scaleoutSpeedup()));
    // Per round, so that the first round (the JVM's first sweep) can be told from the rest.
    out.put("seed_sweep_seconds_by_round", byRound(f, Benchmarks.SweepRound::grid));
    out.put("direct_seconds_by_round", byRound(f, Benchmarks.SweepRound::direct));
    out.put("local1_sweep_seconds_by_round", byRound(f, Benchmarks.SweepRound::local1));
    out.put("local2_sweep_seconds_by_round", byRound(f, Benchmarks.SweepRound::local2));
    out.put("direct_timer_seconds_by_round", byRound(f, Benchmarks.SweepRound::directTimer));
    out.put("local1_timer_seconds_by_round", byRound(f, Benchmarks.SweepRound::local1Timer));
    out.put("local1_task_seconds_by_round", byRound(f, Benchmarks.SweepRound::local1Tasks));
    out.put("local1_write_seconds_by_round", byRound(f, Benchmarks.SweepRound::local1Writing));
    out.put("spark_overhead_in_sweep_fraction_by_round",
        byRound(f, Benchmarks.SweepRound::overheadInSweep));
    out.put("spark_overhead_fraction_by_round", byRound(f, Benchmarks.SweepRound::overhead));
    out.put("scaleout_speedup_by_round", byRound(f, Benchmarks.SweepRound::speedup));
  }

  /** The baseline and the targets the figures are held to. */
  private void putTargets(Map<String, Object> out, Benchmarks.Figures f) {
    out.put("baseline_sweep_seconds", baselineSweepSeconds);
    if (f.reference() != null) {
      out.put("target_train_step_le_0.5x_pytorch", f.trainOverPytorch() <= 0.5);
      out.put("target_infer_le_0.5x_pytorch", f.inferOverPytorch() <= 0.5);
    }
    out.put("target_spark_overhead_le_0.05", f.sparkOverheadFraction() <= 0.05);
    out.put("target_spark_overhead_in_sweep_le_0.05", f.sparkOverheadInSweepFraction() <= 0.05);
    out.put("target_scaleout_ge_1.7", f.scaleoutSpeedup() >= 1.7);
    out.put("target_sweep_le_half_baseline", f.gridSweepSeconds() <= baselineSweepSeconds / 2);
  }

  private void write(Map<String, Object> out) throws IOException {
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
    }
  }

  /**
   * PyTorch #58220's training step, normal and subnormal, and the reference's beside it; the
   * targets are ≤ 0.5× PyTorch in the normal regime and ≤ 1.0× with subnormal weights.
   */
  private void q58220(Map<String, Object> out) throws IOException {
    if (q58220Steps == 0) {
      return;
    }
    System.err.println("[bench] PyTorch #58220's network: " + q58220Steps + " Adam steps of minibatch 256, weight decay 0 and 1e-2 ...");
    QFunctionBench.Side ours = QFunctionBench.infersweep(q58220Steps);
    out.put("q58220_steps", q58220Steps);
    out.put("q58220_train_step_us_normal", round(ours.normalStepMicros()));
    out.put("q58220_train_step_us_subnormal", round(ours.subnormalStepMicros()));
    out.put("q58220_weight_subnormal_share", round(ours.subnormalShare()));
    if (q58220Reference == null) {
      return;
    }
    System.err.println("[bench] ... and the same steps in PyTorch (" + q58220Reference + ")");
    QFunctionBench.Side ref = QFunctionBench.pytorch(q58220Reference, q58220Steps);
    out.put("pytorch_q58220_train_step_us_normal", ref.normalStepMicros());
    out.put("pytorch_q58220_train_step_us_subnormal", ref.subnormalStepMicros());
    out.put("pytorch_q58220_weight_subnormal_share", ref.subnormalShare());
    double normal = ours.normalStepMicros() / ref.normalStepMicros();
    double subnormal = ours.subnormalStepMicros() / ref.subnormalStepMicros();
    out.put("q58220_train_step_over_pytorch_normal", round(normal));
    out.put("q58220_train_step_over_pytorch_subnormal", round(subnormal));
    out.put("target_q58220_normal_le_0.5x_pytorch", normal <= 0.5);
    out.put("target_q58220_subnormal_le_1.0x_pytorch", subnormal <= 1.0);
  }

  /** Runs the reference command once and reads its JSON. */
  private Benchmarks.Reference reference() {
    List<String> command = List.of(referenceCommand.trim().split("\\s+"));
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = p.waitFor();
      if (exit != 0) {
        throw new ConfigException("'--reference-command' exited " + exit + ": " + referenceCommand);
      }
      JsonNode node = new ObjectMapper().readTree(stdout);
      for (String key : new String[] {"pytorch_train_step_us", "pytorch_infer_p50_us"}) {
        if (node == null || !node.hasNonNull(key)) {
          throw new ConfigException("'--reference-command' printed no '" + key + "': " + referenceCommand);
        }
      }
      Map<String, Double> ops = new LinkedHashMap<>();
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (name.startsWith("pytorch_op_") && name.endsWith("_us")) {
          ops.put(name.substring("pytorch_op_".length(), name.length() - "_us".length()), node.get(name).asDouble());
        }
      }
      return new Benchmarks.Reference(
          node.path("pytorch_version").asText("?"), node.get("pytorch_train_step_us").asDouble(),
          node.get("pytorch_infer_p50_us").asDouble(), ops);
    } catch (IOException e) {
      throw new ConfigException("'--reference-command' could not run (" + e.getMessage() + "): " + referenceCommand);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SweepException(SweepException.Kind.IO, "interrupted while the reference ran");
    }
  }

  /** One figure of every sweep round, in order, rounded. */
  private static List<Double> byRound(Benchmarks.Figures f, java.util.function.ToDoubleFunction<Benchmarks.SweepRound> figure) {
    return f.sweepRounds().stream().map(r -> round(figure.applyAsDouble(r))).toList();
  }

  /** Three decimals; null (JSON null) for a figure that was not measured. */
  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
  }
}
