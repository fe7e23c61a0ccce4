package dev.infersweep.cli;

import dev.infersweep.bench.CallBench;
import dev.infersweep.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code sweep bench}'s call figures (issue 30, {@link CallBench}), per engine: infersweep's timed call
 * against the engine's own call from Java, at 1 and 2 intra-op threads, and the targets: ONNX
 * Runtime's (keys {@code ort_*} and {@code harness_*}) and libtorch's (keys {@code pt_*}).
 */
final class CallBenchOptions {
  /** The timed call's p50 at most this many times the direct call's (ONNX Runtime, batch 1, one intra-op thread). */
  static final double WITHIN_DIRECT = 1.15;
  /** The harness's ratio at 2 threads at most this many times its ratio at 1. */
  static final double TWO_WITHIN_ONE = 1.15;

  @Option(names = "--ort-model", defaultValue = "src/test/resources/onnx/mlp.onnx", paramLabel = "FILE",
      description = "The small ONNX model (one float input, batch first) of the ONNX Runtime call figures (default: ${DEFAULT-VALUE}).")
  Path ortModel;

  @Option(names = "--ort-rounds", defaultValue = "5",
      description = "Rounds of the ONNX Runtime call figures, direct and timed at 1 and 2 intra-op threads (0 skips them; default: ${DEFAULT-VALUE}).")
  int ortRounds;

  @Option(names = "--ort-only", description = "Run only the ONNX Runtime call figures (with --pt-only: both engines' call figures).")
  boolean ortOnly;

  @Option(names = "--pt-model", defaultValue = "src/test/resources/torchscript/mlp.pt", paramLabel = "FILE",
      description = "The small TorchScript model (one float input) of the PyTorch call figures (default: ${DEFAULT-VALUE}, the same 20→64→32→1 MLP as the ONNX default).")
  Path ptModel;

  @Option(names = "--pt-input-shape", defaultValue = "20", split = ",", paramLabel = "N[,N...]",
      description = "The --pt-model's input shape without the batch dimension (default: ${DEFAULT-VALUE}).")
  long[] ptInputShape;

  @Option(names = "--pt-rounds", defaultValue = "5",
      description = "Rounds of the PyTorch call figures, direct and timed at 1 and 2 intra-op threads (0 skips them; default: ${DEFAULT-VALUE}).")
  int ptRounds;

  @Option(names = "--pt-only", description = "Run only the PyTorch call figures (with --ort-only: both engines' call figures).")
  boolean ptOnly;

  /** Whether only call figures are asked for. */
  boolean only() {
    return ortOnly || ptOnly;
  }

  void check() {
    rounds("--ort-rounds", ortRounds, ortOnly);
    rounds("--pt-rounds", ptRounds, ptOnly);
    if (ortRounds > 0 && !Files.isRegularFile(ortModel)) {
      throw new ConfigException("'--ort-model' " + ortModel + " does not exist");
    }
    if (ptRounds > 0 && !Files.isRegularFile(ptModel)) {
      throw new ConfigException("'--pt-model' " + ptModel + " does not exist");
    }
    if (ptRounds > 0 && (ptInputShape == null || ptInputShape.length == 0 || Arrays.stream(ptInputShape).anyMatch(d -> d < 1))) {
      throw new ConfigException("'--pt-input-shape' must be positive sizes separated by commas, not " + Arrays.toString(ptInputShape));
    }
  }

  private static void rounds(String option, int rounds, boolean only) {
    if (rounds < 0 || (only && rounds == 0)) {
      String onlyOption = option.startsWith("--ort") ? "--ort-only" : "--pt-only";
      throw new ConfigException("'" + option + "' must be 0 (skip) or more" + (only ? ", and at least 1 with '" + onlyOption + "'" : "")
          + ", not " + rounds);
    }
  }

  /** Measures the figures asked for into {@code out}: with an --*-only option only those engines', else both (unless skipped). */
  void run(Map<String, Object> out) throws IOException {
    boolean both = !only();
    if (ortRounds > 0 && (both || ortOnly)) {
      ort(out);
    }
    if (ptRounds > 0 && (both || ptOnly)) {
      pt(out);
    }
  }

  private void ort(Map<String, Object> out) throws IOException {
    System.err.println("[bench] ONNX Runtime's call on " + ortModel + ", direct and through the timer, at 1 and 2 intra-op threads ...");
    CallBench.Figures f = CallBench.run(CallBench.Engine.ONNX_RUNTIME, ortModel, new long[0], ortRounds, System.err);
    put(out, f, "ort_", "");
    out.put("target_ort_infer_le_1.15x_direct", f.sides().get(0).timedOverDirect() <= WITHIN_DIRECT);
    out.put("target_harness_t2_within_1.15x_t1", f.twoOverOne() <= TWO_WITHIN_ONE);
  }

  private void pt(Map<String, Object> out) throws IOException {
    System.err.println("[bench] PyTorch's call on " + ptModel + ", direct (DJL's PtSymbolBlock) and through the timer, at 1 and 2 intra-op threads ...");
    CallBench.Figures f = CallBench.run(CallBench.Engine.PYTORCH, ptModel, ptInputShape, ptRounds, System.err);
    put(out, f, "pt_", "pt_");
    out.put("target_pt_harness_t2_within_1.15x_t1", f.twoOverOne() <= TWO_WITHIN_ONE);
  }

  /**
   * One engine's figures under its keys: {@code engine} prefixes the model, version, rounds and
   * p50s, {@code harness} the harness's overhead and ratio (none for ONNX Runtime, whose {@code
   * harness_*} keys predate PyTorch's).
   */
  private static void put(Map<String, Object> out, CallBench.Figures f, String engine, String harness) {
    out.put(engine + "model", f.model());
    out.put(engine + "version", f.engineVersion());
    out.put(engine + "rounds", f.rounds());
    for (CallBench.Side s : f.sides()) {
      String t = "_t" + s.threads();
      out.put(engine + "direct_infer_p50_us" + t, round(s.directP50Micros()));
      out.put(engine + "timed_infer_p50_us" + t, round(s.timedP50Micros()));
      out.put(engine + "timed_over_direct" + t, round(s.timedOverDirect()));
      out.put(harness + "harness_overhead_fraction" + t, round(s.overheadFraction()));
    }
    out.put(harness + "harness_ratio_t2_over_t1", round(f.twoOverOne()));
  }

  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
  }
}
