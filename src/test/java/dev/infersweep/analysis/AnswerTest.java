package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The console answer, on hand-made rigorous ok rows (no Spark session). */
class AnswerTest {
  private static final StructType SCHEMA = schema();

  private static StructType schema() {
    StructType s = new StructType();
    DataType d = DataTypes.DoubleType;
    for (String c : List.of("model_source", "model_path", "network", "cpu_model", "cause", "optimizer", "precision")) {
      s = s.add(c, DataTypes.StringType);
    }
    s = s.add("steps", DataTypes.LongType).add("epochs", DataTypes.IntegerType).add("seed", DataTypes.LongType)
        .add("batch_size", DataTypes.IntegerType);
    for (String c : List.of("weight_decay", "learning_rate", "activation_scale", "latency_ratio", "latency_ratio_ci_low",
        "latency_ratio_ci_high", "latency_ratio_log_se", "latency_ratio_df", "subnormal_zeroed_ratio",
        "subnormal_zeroed_ratio_ci_low", "subnormal_zeroed_ratio_ci_high", "flushed_latency_ratio", "flushed_vs_trained",
        "flushed_vs_trained_ci_low", "flushed_vs_trained_ci_high")) {
      s = s.add(c, d);
    }
    return s;
  }

  private static Row row(Map<String, Object> values) {
    Object[] cells = new Object[SCHEMA.size()];
    values.forEach((k, v) -> cells[SCHEMA.fieldIndex(k)] = v);
    return new GenericRowWithSchema(cells, SCHEMA);
  }

  /** A trained run's row: the ratio with a ±1 % timing interval (log se 0.005, 30 degrees of freedom). */
  private static Row trained(String optimizer, double wd, int batch, int epochs, long seed, double ratio, String cause,
      Double flushed, Double zeroed) {
    Map<String, Object> v = new HashMap<>(Map.of("cpu_model", "cpu", "optimizer", optimizer, "precision", "fp32",
        "weight_decay", wd, "learning_rate", 0.01, "activation_scale", 1.0, "epochs", epochs, "seed", seed,
        "batch_size", batch, "cause", cause));
    v.putAll(ratio("latency_ratio", ratio, 0.005));
    v.put("latency_ratio_log_se", 0.005);
    v.put("latency_ratio_df", 30.0);
    v.put("flushed_latency_ratio", flushed);
    v.put("subnormal_zeroed_ratio", zeroed);
    return row(v);
  }

  private static Map<String, Object> ratio(String name, double ratio, double logHalf) {
    return Map.of(name, ratio, name + "_ci_low", ratio * Math.exp(-2 * logHalf), name + "_ci_high", ratio * Math.exp(2 * logHalf));
  }

  private static List<Row> seeds(String optimizer, double wd, int batch, double ratio, String cause, Double flushed, Double zeroed) {
    List<Row> rows = new ArrayList<>();
    for (long seed = 0; seed < 3; seed++) {
      // Seeds a little apart, as real runs are.
      rows.add(trained(optimizer, wd, batch, 1000, seed, ratio * (1 + 0.002 * (seed - 1)), cause, flushed, zeroed));
    }
    return rows;
  }

  @Test
  void aTrainedSweepNamesWhatSlowedAndWhatSpedUpAtTheLastCheckpointWithCauseAndRemedy() {
    List<Row> rows = new ArrayList<>();
    // Adam with coupled decay: 1.19× slower from subnormal arithmetic; flushing restores it.
    rows.addAll(seeds("adam", 1.0, 64, 1.19, "subnormal_arithmetic", 1.01, 1.0));
    // SGD: within the band at its last checkpoint, although an earlier one was slower (not the answer).
    rows.addAll(seeds("sgd", 1.0, 64, 1.01, "none", 1.0, 1.0));
    rows.add(trained("sgd", 1.0, 64, 10, 0, 1.5, "unexplained", null, null));
    // AdamW: weights decayed to exact zeros, faster than at epoch 0.
    rows.addAll(seeds("adamw", 1.0, 64, 0.78, "unexplained", 0.78, 1.0));
    List<String> lines = Answer.of(rows, "/tmp/r", "s1");
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo(
        "answer: 1 slower, 1 faster beyond ±5 % of 3 configurations × batch sizes (each at its last checkpoint, seeds pooled):");
    assertThat(lines.get(1)).startsWith("  slower 1.19× (1.1")
        .contains(", 3 runs): optimizer=adam, batch_size=64, epochs=1000; cause subnormal_arithmetic; "
            + "remedy: flush-to-zero on every serving thread (torch.set_flush_denormal(True) before the first parallel op, "
            + "or on each OpenMP worker) (then 1.01×)");
    assertThat(lines.get(2)).startsWith("  faster 0.780× (0.7").contains("optimizer=adamw, batch_size=64, epochs=1000; cause unexplained")
        .doesNotContain("remedy");
    assertThat(lines.get(3)).isEqualTo("report: jobs/sweep report --results /tmp/r --sweep s1 --out report.html");
  }

  @Test
  void twoSeedsFarApartAreNotAnAnswerHoweverTightEachRowIs() {
    List<Row> rows = List.of(
        trained("adam", 1.0, 64, 1000, 0, 1.02, "none", null, null),
        trained("adam", 1.0, 64, 1000, 1, 1.20, "unexplained", null, null));
    AnswerRows.Ratio pooled = AnswerRows.pooled(rows);
    assertThat(pooled.ciLow()).isLessThan(1.0);
    assertThat(Answer.of(rows, "R", "s").get(0)).startsWith("answer: no slowdown beyond ±5 % of 1 configurations");
  }

  @Test
  void nothingBeyondTheBandSaysSoInTwoLines() {
    List<Row> rows = new ArrayList<>(seeds("sgd", 0.0, 1, 1.03, "subnormal_weights", 1.0, 1.03));
    assertThat(Answer.of(rows, "R", "s")).containsExactly(
        "answer: no slowdown beyond ±5 % of 1 configurations × batch sizes (each at its last checkpoint, seeds pooled)",
        "report: jobs/sweep report --results R --sweep s --out report.html");
  }

  @Test
  void atMostEightFindingsThenHowManyMore() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.addAll(seeds("adam", 1.0, 1 << i, 1.5 + i, "subnormal_weights", 1.0, 1.5 + i));
    }
    List<String> lines = Answer.of(rows, "R", "s");
    assertThat(lines).hasSize(11);
    // The largest slowdowns first.
    assertThat(lines.get(1)).startsWith("  slower 12.5×").contains("batch_size=2048")
        .endsWith("remedy: zero subnormal weights at export (then 1.00×)");
    assertThat(lines.get(9)).isEqualTo("  … and 4 more (see the report)");
  }

  @Test
  void aSeriesHasOneLinePerFileAndBatchSizeWithTheRepairCommand() {
    Map<String, Object> slowed = new HashMap<>(Map.of("model_source", "checkpoints", "model_path", "ckpt/step-20000.pt",
        "network", "step-20000.pt [3, 32, 32] (read)", "steps", 20000L, "batch_size", 16,
        "cause", "subnormal_weights", "subnormal_zeroed_ratio", 14.5, "flushed_latency_ratio", 1.2));
    slowed.putAll(ratio("latency_ratio", 14.8, 0.01));
    Map<String, Object> same = new HashMap<>(Map.of("model_source", "checkpoints", "model_path", "ckpt/step-100.pt",
        "steps", 100L, "batch_size", 16, "cause", "none"));
    same.putAll(ratio("latency_ratio", 1.0, 0.01));
    List<String> lines = Answer.of(List.of(row(slowed), row(same)), "R", "s");
    assertThat(lines.get(0)).isEqualTo("answer: 1 slower beyond ±5 % of 2 model files × batch sizes:");
    assertThat(lines.get(1)).startsWith("  slower 14.8× (14.").contains("ckpt/step-20000.pt (steps 20000), batch_size=16; cause subnormal_weights")
        .endsWith("remedy: jobs/sweep repair --model ckpt/step-20000.pt --input-shape 3,32,32 --out FIXED.pt (then 1.02×)");
  }

  @Test
  void aRegistryModelIsNamedWhenItsOwnControlsShowItPaysForSubnormalValues() {
    Map<String, Object> weights = new HashMap<>(Map.of("model_source", "files", "model_path", "reg/a.pt",
        "network", "a.pt [8] (read)", "batch_size", 1, "cause", "subnormal_weights"));
    weights.putAll(ratio("subnormal_zeroed_ratio", 1.31, 0.01));
    weights.putAll(ratio("flushed_vs_trained", 1 / 1.31, 0.01));
    Map<String, Object> arithmetic = new HashMap<>(Map.of("model_source", "files", "model_path", "reg/b.pt",
        "batch_size", 1, "cause", "subnormal_arithmetic"));
    arithmetic.putAll(ratio("subnormal_zeroed_ratio", 1.0, 0.01));
    arithmetic.putAll(ratio("flushed_vs_trained", 0.70, 0.01));
    // 4 % faster zeroed, its interval reaching into the band: not named.
    Map<String, Object> small = new HashMap<>(Map.of("model_source", "files", "model_path", "reg/c.pt",
        "batch_size", 1, "cause", "subnormal_weights"));
    small.putAll(ratio("subnormal_zeroed_ratio", 1.04, 0.01));
    List<String> lines = Answer.of(List.of(row(weights), row(arithmetic), row(small)), "R", "s");
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo(
        "answer: 2 paying for subnormal values (faster zeroed or flushed) beyond ±5 % of 3 model files × batch sizes:");
    assertThat(lines.get(1)).startsWith("  slowed by subnormal arithmetic 1.43× (1.4").contains("reg/b.pt, batch_size=1")
        .endsWith("remedy: flush-to-zero on every serving thread (torch.set_flush_denormal(True) before the first parallel op, "
            + "or on each OpenMP worker)");
    assertThat(lines.get(2)).startsWith("  slowed by subnormal weights 1.31× (1.2")
        .endsWith("remedy: jobs/sweep repair --model reg/a.pt --input-shape 8 --out FIXED.pt (or flush-to-zero on every serving "
            + "thread (torch.set_flush_denormal(True) before the first parallel op, or on each OpenMP worker))");
  }
}
