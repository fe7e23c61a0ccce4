package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.result.ResultSchema;
import dev.infersweep.spark.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdicts per configuration, on a hand-made sweep: 16 configurations × 3 seeds in which
 * training slows exactly one configuration by 20 % (through subnormal arithmetic) and where one
 * other configuration's subnormal weights cost 10 %.
 */
class VerdictsTest {
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void sweep() {
    spark = Sessions.create("infersweep-verdicts", "local[2]", Map.of("spark.ui.enabled", "false"));
    SplittableRandom random = new SplittableRandom(3);
    List<Row> rows = new ArrayList<>();
    for (String optimizer : new String[] {"sgd", "adam"}) {
      for (double wd : new double[] {0, 1}) {
        for (double scale : new double[] {1, 3}) {
          for (int batch : new int[] {1, 64}) {
            for (long seed = 1; seed <= 3; seed++) {
              String runId = optimizer + wd + scale + seed;
              for (int epochs : new int[] {0, 10}) {
                boolean slow = epochs == 10 && optimizer.equals("adam") && wd == 1 && scale == 1 && batch == 64;
                boolean smallWeights = epochs == 10 && optimizer.equals("sgd") && wd == 1 && scale == 3 && batch == 64;
                // Subnormal weights and subnormal products of normal ones: zeroing takes away 1.15 of 1.30.
                boolean mixed = epochs == 10 && optimizer.equals("adam") && wd == 0 && scale == 1 && batch == 1;
                double noise = Math.exp(0.003 * random.nextGaussian());
                double ratio = (slow ? 1.20 : smallWeights ? 1.10 : mixed ? 1.30 : 1.0) * noise;
                Map<String, Object> v = new HashMap<>();
                v.put("sweep_id", "s");
                v.put("sweep_date", "2026-01-01");
                v.put("run_id", runId);
                v.put("row_id", runId + epochs + batch);
                v.put("optimizer", optimizer);
                v.put("learning_rate", 0.1);
                v.put("weight_decay", wd);
                v.put("activation_scale", scale);
                v.put("seed", seed);
                v.put("epochs", epochs);
                v.put("precision", "fp32");
                v.put("batch_size", batch);
                v.put("intra_op_threads", 1);
                v.put("protocol", "rigorous");
                v.put("status", "ok");
                v.put("latency_ratio", ratio);
                v.put("latency_ratio_ci_low", ratio * 0.99);
                v.put("latency_ratio_ci_high", ratio * 1.01);
                v.put("subnormal_zeroed_ratio", smallWeights ? ratio : mixed ? 1.15 * noise : noise);
                v.put("weight_subnormal_fraction", smallWeights ? 0.9 : mixed ? 0.5 : 0.0);
                v.put("cause", slow ? "subnormal_arithmetic" : smallWeights ? "subnormal_weights" : mixed ? "subnormal_mixed" : "none");
                v.put("cpu_model", "cpu");
                Object[] values = new Object[ResultSchema.COLUMNS.size()];
                for (int i = 0; i < values.length; i++) {
                  values[i] = v.get(ResultSchema.COLUMNS.get(i).name());
                }
                rows.add(RowFactory.create(values));
              }
            }
          }
        }
      }
    }
    String root = tmp.resolve("results").toString();
    spark.createDataFrame(rows, ResultSchema.SCHEMA).write().mode(SaveMode.Overwrite)
        .partitionBy("sweep_date", "sweep_id").parquet(root);
    Views.register(spark, root);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void claimOneIsSupportedWhereOneConfigurationOfSixteenSlowsDown() {
    Verdict v = Verdicts.of(spark, "s").get(0);
    assertThat(v.configurations()).hasSize(16);
    assertThat(v.supportedIn()).isEqualTo(3);
    assertThat(v.verdict()).isEqualTo(Verdict.Answer.SUPPORTED);
    assertThat(v.reason())
        .contains("supported in 3 of 16 configurations")
        .contains("optimizer=adam, learning_rate=0.1, weight_decay=1.0, activation_scale=1.0, precision=fp32, batch_size=64, intra_op_threads=1 (1.20");
  }

  @Test
  void claimsTwoAndThreeArePairedBySeedWithinEachConfiguration() {
    List<Verdict> verdicts = Verdicts.of(spark, "s");
    Verdict scale = verdicts.get(1);
    // 8 configurations without the scale; pairs of the same seed in each.
    assertThat(scale.configurations()).hasSize(8).allSatisfy(c -> assertThat(c.units()).isEqualTo(3));
    // Scale 3 against 1: 1.10 where the small weights are (supported), 1/1.2 where the slow one is.
    assertThat(scale.configurations())
        .filteredOn(c -> c.verdict() == Verdict.Answer.SUPPORTED)
        .singleElement()
        .satisfies(c -> assertThat(c.configuration()).contains("optimizer=sgd", "weight_decay=1.0", "batch_size=64"));
    assertThat(verdicts.get(2).configurations()).hasSize(8);
  }

  @Test
  void claimFourCountsTheRowsWhoseCauseHoldsSubnormalWeights() {
    Verdict v = Verdicts.of(spark, "s").get(3);
    // The adam slowdown (subnormal arithmetic alone) is left out; the small-weights configuration and
    // the mixed one count, the mixed one by the part zeroing takes away (1.15, not its 1.30).
    assertThat(v.configurations()).hasSize(2)
        .allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.Answer.SUPPORTED));
    assertThat(v.configurations()).filteredOn(c -> c.configuration().contains("optimizer=sgd"))
        .singleElement().satisfies(c -> {
          assertThat(c.configuration()).contains("weight_decay=1.0", "activation_scale=3.0", "batch_size=64");
          assertThat(c.estimate()).isBetween(1.09, 1.11);
        });
    assertThat(v.configurations()).filteredOn(c -> c.configuration().contains("optimizer=adam"))
        .singleElement().satisfies(c -> {
          assertThat(c.configuration()).contains("weight_decay=0.0", "activation_scale=1.0", "batch_size=1");
          assertThat(c.estimate()).isBetween(1.14, 1.16);
        });
    assertThat(v.units()).isEqualTo(6);
    assertThat(v.verdict()).isEqualTo(Verdict.Answer.SUPPORTED);
  }

  @Test
  void claimFiveIsInconclusiveWithoutArticleRows() {
    Verdict v = Verdicts.of(spark, "s").get(4);
    assertThat(v.verdict()).isEqualTo(Verdict.Answer.INCONCLUSIVE);
    assertThat(v.reason()).contains("no article-protocol rows");
  }

  @Test
  void theCausesViewNamesTheControlThatShowsEachCause() {
    List<Row> causes = spark.sql("SELECT optimizer, cause, cause_runs, beyond_band_runs, shown_by FROM causes"
        + " WHERE sweep_id = 's' AND cause <> 'none' ORDER BY cause").collectAsList();
    assertThat(causes).extracting(r -> r.<String>getAs("cause"))
        .containsExactly("subnormal_arithmetic", "subnormal_mixed", "subnormal_weights");
    assertThat(causes.get(0).<Integer>getAs("cause_runs")).isEqualTo(3);
    assertThat(causes.get(0).<String>getAs("shown_by")).startsWith("the rescale twin");
  }
}
