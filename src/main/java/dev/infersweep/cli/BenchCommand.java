package dev.infersweep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.infersweep.bench.Benchmarks;
import dev.infersweep.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sweep bench}: infersweep's own speed, side by side with the article's PyTorch figures
 * ({@code --reference}, written by {@code jobs/reference/pytorch_simplenet.py}). {@code jobs/bench}
 * runs both.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark training, inference and a sweep through Spark; print the figures and targets.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--grid", defaultValue = "conf/seed.yaml", paramLabel = "FILE",
      description = "Grid swept through Spark local[1] and local[2] and called directly (default: ${DEFAULT-VALUE}).")
  Path grid;

  @Option(names = "--epochs", defaultValue = "1000", description = "Training epochs timed per repetition (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--reference", paramLabel = "FILE", description = "The PyTorch reference's JSON, to compare with.")
  Path reference;

  @Option(names = "--baseline-sweep-seconds", defaultValue = "26.0",
      description = "The grid's sweep time before this work, for the halving target (default: ${DEFAULT-VALUE}, issue 12's 23–29 s).")
  double baselineSweepSeconds;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON here.")
  Path json;

  @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder for the sweeps (default: a new temporary one).")
  Path work;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> figures = execute();
    for (Map.Entry<String, Object> e : figures.entrySet()) {
      System.out.printf(Locale.ROOT, "%-34s %s%n", e.getKey(), e.getValue());
    }
    if (json != null) {
      System.out.println("written: " + json.toAbsolutePath());
    }
    return Main.OK;
  }

  /** Runs the benchmarks and returns the figures, ratios and targets in the order they print. */
  public Map<String, Object> execute() throws IOException {
    if (epochs < 1) {
      throw new ConfigException("'--epochs' must be at least 1, found " + epochs);
    }
    JsonNode ref = null;
    if (reference != null) {
      if (!Files.isRegularFile(reference)) {
        throw new ConfigException("'--reference' " + reference + " does not exist");
      }
      ref = new ObjectMapper().readTree(reference.toFile());
      for (String key : new String[] {"pytorch_train_step_us", "pytorch_infer_p50_us"}) {
        if (!ref.hasNonNull(key)) {
          throw new ConfigException("'--reference' " + reference + " lacks '" + key + "'");
        }
      }
    }
    Path dir = work != null ? work : Files.createTempDirectory("infersweep-bench");
    Benchmarks.Figures f = Benchmarks.run(grid, epochs, dir, System.err);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cpu_model", f.cpuModel());
    out.put("train_step_us", round(f.trainStepMicros()));
    out.put("autograd_train_step_us", round(f.autogradTrainStepMicros()));
    out.put("infer_p50_us", round(f.inferP50Micros()));
    out.put("java_floor_infer_p50_us", round(f.javaFloorInferP50Micros()));
    out.put("grid", f.grid());
    out.put("runs", f.runs());
    out.put("direct_seconds", round(f.directSeconds()));
    out.put("local1_sweep_seconds", round(f.local1Seconds()));
    out.put("seed_sweep_seconds", round(f.local2Seconds()));
    out.put("spark_overhead_fraction", round(f.sparkOverheadFraction()));
    out.put("scaleout_speedup", round(f.scaleoutSpeedup()));
    out.put("target_spark_overhead_le_0.05", f.sparkOverheadFraction() <= 0.05);
    out.put("target_scaleout_ge_1.7", f.scaleoutSpeedup() >= 1.7);
    out.put("baseline_sweep_seconds", baselineSweepSeconds);
    out.put("target_sweep_le_half_baseline", f.local2Seconds() <= baselineSweepSeconds / 2);
    if (ref != null) {
      double torchStep = ref.get("pytorch_train_step_us").asDouble();
      double torchInfer = ref.get("pytorch_infer_p50_us").asDouble();
      out.put("pytorch_version", ref.path("pytorch_version").asText("?"));
      out.put("pytorch_train_step_us", torchStep);
      out.put("pytorch_infer_p50_us", torchInfer);
      out.put("train_step_ratio", round(f.trainStepMicros() / torchStep));
      out.put("infer_p50_ratio", round(f.inferP50Micros() / torchInfer));
      out.put("target_train_step_le_0.5x_pytorch", f.trainStepMicros() <= 0.5 * torchStep);
      out.put("target_infer_le_0.5x_pytorch", f.inferP50Micros() <= 0.5 * torchInfer);
    }
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
