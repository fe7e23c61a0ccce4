package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.result.Controls;
import dev.infersweep.result.ResultRow;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Declared networks of any depth go through the whole run: they train (the loss falls), every
 * rigorous row is timed with every control the network has, and the {@code layers} column holds one
 * filled struct per layer.
 */
class DeclaredNetworkRunTest {
  private static final String TIMING =
      "timing: {batch_sizes: [8], warmup_iterations: 5, warmup_max_seconds: 0.02, min_blocks: 4, max_seconds: 0.1}\n";

  private static List<ResultRow> run(String yaml) {
    GridConfig config = GridLoader.parse("t.yaml", "t", yaml + TIMING);
    RunSpec spec = GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    List<ResultRow> rows = RunTask.execute(spec, new Executor("1", "4.2.0"));
    assertThat(rows).hasSize(spec.expectedRows());
    assertThat(rows).allSatisfy(r -> assertThat(r.status()).as("%s", r.outcome().error()).isEqualTo(RowStatus.OK));
    return rows.stream().sorted(Comparator.comparing(r -> r.value(Axes.EPOCHS))).toList();
  }

  private static List<Row> layers(ResultRow r) {
    @SuppressWarnings("unchecked")
    List<Row> layers = (List<Row>) ResultSchema.toRow(r).getAs("layers");
    return layers;
  }

  private static void lossFalls(List<ResultRow> rows) {
    assertThat(rows.get(rows.size() - 1).training().trainLoss()).isLessThan(rows.get(0).training().trainLoss());
  }

  @Test
  void aFourLayerTanhRegressionNetworkTrainsAndIsTimedWithEveryControlItHas() {
    List<ResultRow> rows = run(
        "model: {input: 6, loss: mse, layers: [{dense: 16, activation: tanh}, {dense: 16, activation: tanh}, "
            + "{dense: 8, activation: tanh}, {dense: 1}]}\n"
            + "data: {samples: 128}\ntrain: {optimizer: adam, learning_rate: 0.01, batch_size: 32}\ngrid: {epochs: [0, 20]}\n");
    lossFalls(rows);
    for (ResultRow r : rows) {
      Controls c = r.measurement().controls();
      assertThat(c.zeroed()).isNotNull();
      assertThat(c.aa()).isNotNull();
      assertThat(c.aaLatency()).isNotNull();
      // tanh does not commute with scaling: no twin, and the row says why instead of making one up.
      assertThat(c.rescaled()).isNull();
      assertThat(c.rescaleComplete()).isFalse();
      assertThat(c.rescaleNote()).contains("tanh");
      assertThat(r.training().trainAccuracy()).isNull();
      assertThat(layers(r)).hasSize(4);
      assertThat(layers(r)).allSatisfy(l -> {
        assertThat(l.<Double>getAs("weight_subnormal_fraction")).isNotNull();
        assertThat(l.<Double>getAs("product_subnormal_fraction")).isNotNull();
        assertThat(l.<Integer>getAs("rescale_exponent")).isNull();
      });
      Row row = ResultSchema.toRow(r);
      // The article's two-layer columns are not made up for four layers.
      assertThat(row.<Object>getAs("timed_fc1_product_subnormal_fraction")).isNull();
      assertThat(row.<Object>getAs("rescale_fc1_exponent")).isNull();
      assertThat(row.<Integer>getAs("depth")).isEqualTo(4);
      assertThat(row.<String>getAs("network")).isEqualTo("6→16 tanh→16 tanh→8 tanh→1, mse");
    }
    assertThat(rows.get(1).training().trainStepMicros()).isPositive();
    assertThat(ResultSchema.toRow(rows.get(1)).<Long>getAs("steps")).isEqualTo(80L);
  }

  @Test
  void aThreeLayerReluClassifierTrainsAndIsTimedWithEveryControl() {
    List<ResultRow> rows = run(
        "model: {input: 5, layers: [{dense: 12}, {dense: 10}, {dense: 3}]}\ndata: {samples: 120}\n"
            + "train: {optimizer: sgd, learning_rate: 0.1, momentum: 0.9}\ngrid: {epochs: [0, 30]}\n");
    lossFalls(rows);
    for (ResultRow r : rows) {
      Controls c = r.measurement().controls();
      assertThat(c.zeroed()).isNotNull();
      assertThat(c.rescaled()).isNotNull();
      assertThat(c.aa()).isNotNull();
      assertThat(c.aaLatency()).isNotNull();
      assertThat(c.exponents()).hasSize(3);
      assertThat(r.training().trainAccuracy()).isBetween(0.0, 1.0);
      assertThat(layers(r)).extracting(l -> l.<Integer>getAs("units")).containsExactly(12, 10, 3);
      assertThat(layers(r)).extracting(l -> l.<String>getAs("activation")).containsExactly("relu", "relu", "identity");
      assertThat(layers(r)).allSatisfy(l -> assertThat(l.<Integer>getAs("rescale_exponent")).isNotNull());
    }
  }

  @Test
  void aOneLayerNetworkHasItsLayerAndNoHiddenActivations() {
    List<ResultRow> rows = run(
        "model: {input: 4, loss: mse, layers: [{dense: 1}]}\ndata: {samples: 64}\n"
            + "train: {optimizer: adam, learning_rate: 0.05}\ngrid: {epochs: [0, 20]}\n");
    lossFalls(rows);
    for (ResultRow r : rows) {
      assertThat(layers(r)).singleElement().satisfies(l -> {
        assertThat(l.<String>getAs("kind")).isEqualTo("dense");
        assertThat(l.<Double>getAs("weight_max_abs")).isPositive();
        assertThat(l.<Double>getAs("output_subnormal_fraction")).isNotNull();
      });
      assertThat(r.diagnostics().activationMeanAbs()).isNull();
      assertThat(r.measurement().controls().rescaled()).isNotNull();
      assertThat(ResultSchema.toRow(r).<Object>getAs("hidden_size")).isNull();
    }
  }

  @Test
  void theArticlesNetworkKeepsItsTwoLayerColumnsAndFillsLayers() {
    List<ResultRow> rows = run("data: {samples: 64}\ngrid: {epochs: [0, 5]}\n");
    for (ResultRow r : rows) {
      Row row = ResultSchema.toRow(r);
      assertThat(row.<Object>getAs("timed_fc1_product_subnormal_fraction")).isNotNull();
      assertThat(row.<Object>getAs("rescale_fc2_exponent")).isNotNull();
      assertThat(layers(r)).hasSize(2);
      assertThat(layers(r).get(1).<Double>getAs("product_subnormal_fraction"))
          .isEqualTo(row.<Double>getAs("timed_fc2_product_subnormal_fraction"));
      assertThat(layers(r).get(0).<Integer>getAs("rescale_exponent")).isEqualTo(row.<Integer>getAs("rescale_fc1_exponent"));
    }
  }
}
