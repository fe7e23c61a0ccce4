package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweep bench} end to end on a tiny grid: every figure is there and the ratios follow. */
class BenchCommandTest {
  @TempDir Path tmp;

  @Test
  void measuresEveryFigureAndComparesWithTheReference() throws Exception {
    Path grid = tmp.resolve("tiny.yaml");
    Files.writeString(grid, """
        data: {samples: 64}
        grid: {epochs: [0, 2], seed: [1, 2]}
        timing: {batch_sizes: [1], warmup_iterations: 10, warmup_max_seconds: 0.05, min_blocks: 4, max_seconds: 0.2}
        """);
    Path reference = tmp.resolve("ref.sh");
    Files.writeString(reference, "echo '{\"pytorch_version\": \"1.13.1\", \"pytorch_train_step_us\": 700.0,"
        + " \"pytorch_infer_p50_us\": 20.0, \"pytorch_op_relu_us\": 1.0}'\n");
    Path q58220 = tmp.resolve("q58220.sh");
    Files.writeString(q58220, "echo '{\"runs\": [{\"optimizer\": \"adam\", \"weight_decay\": 0.0, \"train_step_us_last1000\": 5000.0,"
        + " \"subnormal_share_overall\": 0.0}, {\"optimizer\": \"adam\", \"weight_decay\": 0.01,"
        + " \"train_step_us_last1000\": 12000.0, \"subnormal_share_overall\": 0.13}]}'\n");
    BenchCommand bench = new BenchCommand();
    bench.q58220Steps = 1100;
    bench.q58220Reference = "sh " + q58220;
    bench.grid = grid;
    bench.epochs = 20;
    bench.rounds = 2;
    bench.sweepRounds = 1;
    bench.referenceCommand = "sh " + reference;
    bench.baselineSweepSeconds = 26;
    bench.json = tmp.resolve("b.json");
    bench.work = tmp.resolve("work");
    Map<String, Object> f = bench.execute();
    for (String key : new String[] {"train_step_us", "autograd_train_step_us", "infer_p50_us", "java_floor_infer_p50_us",
        "direct_seconds", "local1_sweep_seconds", "local2_sweep_seconds", "seed_sweep_seconds", "scaleout_speedup"}) {
      assertThat((Double) f.get(key)).as(key).isPositive();
    }
    assertThat(f.get("runs")).isEqualTo(2);
    // One sweep round: no later, warm rounds to take a median of, and the JSON says so with null.
    assertThat(f).containsEntry("seed_sweep_seconds_warm", null);
    // A constant reference: the per-round ratio's median is the median step over 700.
    assertThat((Double) f.get("train_step_over_pytorch")).isCloseTo((Double) f.get("train_step_us") / 700.0,
        org.assertj.core.api.Assertions.within(0.002));
    assertThat(f.get("pytorch_op_relu_us")).isEqualTo(1.0);
    assertThat(f).containsKeys("spark_overhead_fraction", "target_train_step_le_0.5x_pytorch", "target_scaleout_ge_1.7");
    assertThat(Files.readString(bench.json)).contains("\"pytorch_train_step_us\" : 700.0", "\"seed_sweep_seconds\"");
    // One value per sweep round; the timer's seconds are read back from the rows both paths made.
    for (String key : new String[] {"direct_timer_seconds_by_round", "local1_timer_seconds_by_round",
        "local1_write_seconds_by_round", "spark_overhead_fraction_by_round"}) {
      assertThat((java.util.List<?>) f.get(key)).as(key).hasSize(1);
    }
    double timer = (Double) ((java.util.List<?>) f.get("local1_timer_seconds_by_round")).get(0);
    double directTimer = (Double) ((java.util.List<?>) f.get("direct_timer_seconds_by_round")).get(0);
    // Fixed work: each of the 4 rigorous rows (2 runs × 2 checkpoints) measures for 0.1 s in both ways
    // of running, where the adaptive timer would have stopped as soon as its interval was narrow.
    assertThat(f.get("fixed_measure_seconds_per_row")).isEqualTo(0.1);
    assertThat(timer).isGreaterThanOrEqualTo(0.4);
    assertThat(directTimer).isGreaterThanOrEqualTo(0.4);
    double write = (Double) ((java.util.List<?>) f.get("local1_write_seconds_by_round")).get(0);
    assertThat(timer).isPositive().isLessThan((Double) f.get("local1_sweep_seconds"));
    assertThat(write).isPositive().isLessThan((Double) f.get("local1_sweep_seconds") - timer);
    // Spark's tasks ran the runs, so their running time holds the timer's and fits in the wall time.
    double tasks = (Double) ((java.util.List<?>) f.get("local1_task_seconds_by_round")).get(0);
    assertThat(tasks).isGreaterThan(timer).isLessThan((Double) f.get("local1_sweep_seconds"));
    assertThat((Double) f.get("spark_overhead_in_sweep_fraction")).isBetween(0.0, 1.0);
    // PyTorch #58220's network: both regimes timed here, the reference's figures read back beside them.
    assertThat((Double) f.get("q58220_train_step_us_normal")).isPositive();
    assertThat((Double) f.get("q58220_train_step_us_subnormal")).isPositive();
    assertThat(f.get("pytorch_q58220_train_step_us_subnormal")).isEqualTo(12000.0);
    assertThat((Double) f.get("q58220_train_step_over_pytorch_normal"))
        .isCloseTo((Double) f.get("q58220_train_step_us_normal") / 5000.0, org.assertj.core.api.Assertions.within(0.002));
    assertThat(f).containsKeys("target_q58220_normal_le_0.5x_pytorch", "target_q58220_subnormal_le_1.0x_pytorch");
    assertThat(Main.execute("bench", "--q58220-steps", "500")).isEqualTo(2);
    assertThat(Main.execute("bench", "--q58220-only", "--q58220-steps", "0")).isEqualTo(2);
  }

  @Test
  void theOnnxRuntimeCallFiguresRunOnTheirOwnWithBothTargets() throws Exception {
    BenchCommand bench = new BenchCommand();
    new picocli.CommandLine(bench).parseArgs("--ort-only", "--ort-rounds", "1", "--ort-model", "src/test/resources/onnx/mlp.onnx");
    Map<String, Object> f = bench.execute();
    for (String t : new String[] {"_t1", "_t2"}) {
      assertThat((Double) f.get("ort_direct_infer_p50_us" + t)).as(t).isPositive();
      assertThat((Double) f.get("ort_timed_infer_p50_us" + t)).as(t).isPositive();
      assertThat((Double) f.get("harness_overhead_fraction" + t))
          .isCloseTo((Double) f.get("ort_timed_over_direct" + t) - 1, org.assertj.core.api.Assertions.within(0.002));
    }
    assertThat(f).containsKeys("harness_ratio_t2_over_t1", "target_ort_infer_le_1.15x_direct", "target_harness_t2_within_1.15x_t1")
        .doesNotContainKey("train_step_us");
    assertThat(Main.execute("bench", "--ort-only", "--ort-rounds", "0")).isEqualTo(2);
    assertThat(Main.execute("bench", "--ort-only", "--ort-model", "no/such.onnx")).isEqualTo(2);
  }

  @Test
  void thePyTorchCallFiguresRunOnTheirOwnWithTheThreadsTarget() throws Exception {
    dev.infersweep.engine.DjlRuntime.engine();
    int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    BenchCommand bench = new BenchCommand();
    new picocli.CommandLine(bench).parseArgs("--pt-only", "--pt-rounds", "1");
    Map<String, Object> f = bench.execute();
    for (String t : new String[] {"_t1", "_t2"}) {
      assertThat((Double) f.get("pt_direct_infer_p50_us" + t)).as(t).isPositive();
      assertThat((Double) f.get("pt_timed_infer_p50_us" + t)).as(t).isPositive();
      assertThat((Double) f.get("pt_harness_overhead_fraction" + t))
          .isCloseTo((Double) f.get("pt_timed_over_direct" + t) - 1, org.assertj.core.api.Assertions.within(0.002));
    }
    assertThat(f).containsKeys("pt_version", "pt_harness_ratio_t2_over_t1", "target_pt_harness_t2_within_1.15x_t1")
        .doesNotContainKeys("ort_version", "train_step_us");
    // The bench set libtorch's count on its own thread for each side and restored it.
    assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(before);
    assertThat(Main.execute("bench", "--pt-only", "--pt-rounds", "0")).isEqualTo(2);
    assertThat(Main.execute("bench", "--pt-only", "--pt-model", "no/such.pt")).isEqualTo(2);
    assertThat(Main.execute("bench", "--pt-only", "--pt-input-shape", "0")).isEqualTo(2);
  }

  @Test
  void loopsTheInferenceCallForAProfiler() {
    BenchCommand bench = new BenchCommand();
    bench.inferenceLoopSeconds = 0.3;
    assertThat(bench.inferenceLoop()).matches("inference loop: [1-9][0-9]* calls in 0\\.3 s \\([0-9.]+ µs per call\\)");
    assertThat(Main.execute("bench", "--inference-loop", "0")).isEqualTo(2);
  }

  @Test
  void rejectsAReferenceWithoutItsFigures() throws Exception {
    Path reference = tmp.resolve("ref.sh");
    Files.writeString(reference, "echo '{\"pytorch_version\": \"1.13.1\"}'\n");
    assertThat(Main.execute("bench", "--reference-command", "sh " + reference)).isEqualTo(2);
    assertThat(Main.execute("bench", "--reference-command", "false")).isEqualTo(2);
    assertThat(Main.execute("bench", "--epochs", "0")).isEqualTo(2);
  }
}
