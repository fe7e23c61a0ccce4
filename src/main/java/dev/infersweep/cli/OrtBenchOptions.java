package dev.infersweep.cli;

import dev.infersweep.bench.OrtCallBench;
import dev.infersweep.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code sweep bench}'s ONNX Runtime call figures (issue 30, {@link OrtCallBench}): infersweep's timed
 * call against ONNX Runtime's Java API called directly, at 1 and 2 intra-op threads, and two targets.
 */
final class OrtBenchOptions {
  /** The timed call's p50 at most this many times the direct call's (batch 1, one intra-op thread). */
  static final double WITHIN_DIRECT = 1.15;
  /** The harness's ratio at 2 threads at most this many times its ratio at 1. */
  static final double TWO_WITHIN_ONE = 1.15;

  @Option(names = "--ort-model", defaultValue = "src/test/resources/onnx/mlp.onnx", paramLabel = "FILE",
      description = "The small ONNX model (one float input, batch first) of the ONNX Runtime call figures (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--ort-rounds", defaultValue = "5",
      description = "Rounds of the ONNX Runtime call figures, direct and timed at 1 and 2 intra-op threads (0 skips them; default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--ort-only", description = "Run only the ONNX Runtime call figures.")
  boolean only;

  void check() {
    if (rounds < 0 || (only && rounds == 0)) {
      throw new ConfigException("'--ort-rounds' must be 0 (skip) or more" + (only ? ", and at least 1 with '--ort-only'" : "")
          + ", not " + rounds);
    }
    if (rounds > 0 && !Files.isRegularFile(model)) {
      throw new ConfigException("'--ort-model' " + model + " does not exist");
    }
  }

  /** Measures the figures into {@code out}; nothing when skipped. */
  void run(Map<String, Object> out) throws IOException {
    if (rounds == 0) {
      return;
    }
    System.err.println("[bench] ONNX Runtime's call on " + model + ", direct and through the timer, at 1 and 2 intra-op threads ...");
    OrtCallBench.Figures f = OrtCallBench.run(model, rounds, System.err);
    out.put("ort_model", f.model());
    out.put("ort_version", f.engineVersion());
    out.put("ort_rounds", f.rounds());
    for (OrtCallBench.Side s : f.sides()) {
      String t = "_t" + s.threads();
      out.put("ort_direct_infer_p50_us" + t, round(s.directP50Micros()));
      out.put("ort_timed_infer_p50_us" + t, round(s.timedP50Micros()));
      out.put("ort_timed_over_direct" + t, round(s.timedOverDirect()));
      out.put("harness_overhead_fraction" + t, round(s.overheadFraction()));
    }
    out.put("harness_ratio_t2_over_t1", round(f.twoOverOne()));
    out.put("target_ort_infer_le_1.15x_direct", f.sides().get(0).timedOverDirect() <= WITHIN_DIRECT);
    out.put("target_harness_t2_within_1.15x_t1", f.twoOverOne() <= TWO_WITHIN_ONE);
  }

  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
  }
}
