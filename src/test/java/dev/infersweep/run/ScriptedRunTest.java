package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.engine.FlushToZero;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.result.Controls;
import dev.infersweep.result.ResultRow;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainingSet;
import java.nio.file.Files;
import java.util.SplittableRandom;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A TorchScript module goes through the whole run from the bytes in its spec: it trains through
 * autograd (the loss falls), every rigorous row is timed with the A/A copies, the zeroed copy and
 * the flush twin, the declared-network features are null with a reason, and the {@code layers}
 * column holds one struct per parameter tensor.
 */
class ScriptedRunTest {
  private static final String TIMING =
      "timing: {batch_sizes: [4], warmup_iterations: 5, warmup_max_seconds: 0.02, block_size: 4, min_blocks: 4, max_seconds: 0.2}\n";

  private static List<ResultRow> run(String fixture, String yaml) throws Exception {
    return run(fixture, yaml, null);
  }

  /** @param table the training table as the driver ships it, or null for synthetic data */
  private static List<ResultRow> run(String fixture, String yaml, TrainingSet table) throws Exception {
    GridConfig config = GridLoader.parse("t.yaml", "t", yaml + TIMING);
    ScriptedModel declared = (ScriptedModel) config.model();
    byte[] bytes = Files.readAllBytes(Path.of("src/test/resources/torchscript", fixture));
    config = config.withModel(ScriptedCheck.checked("t.yaml", declared, bytes, List.of(Precision.FP32)));
    if (table != null) {
      config = config.withData(((DataSpec.Table) config.data()).read(table.samples(), "d1"));
    }
    RunSpec spec = GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    List<ResultRow> rows = RunTask.execute(spec, new Executor("1", "4.2.0"), table);
    assertThat(rows).hasSize(spec.expectedRows());
    assertThat(rows).allSatisfy(r -> assertThat(r.status()).as("%s", r.outcome().errorTrace()).isEqualTo(RowStatus.OK));
    return rows.stream().sorted(Comparator.comparing(r -> r.value(Axes.EPOCHS))).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Row> layers(ResultRow r) {
    return (List<Row>) ResultSchema.toRow(r).getAs("layers");
  }

  private static void timedWithEveryControlItHas(ResultRow r) {
    Controls c = r.measurement().controls();
    assertThat(c.aa()).isNotNull();
    assertThat(c.aaLatency()).isNotNull();
    assertThat(c.zeroed()).isNotNull();
    assertThat(c.flushed() != null).isEqualTo(FlushToZero.unavailableReason() == null);
    assertThat(c.rescaled()).isNull();
    assertThat(c.rescaleNote()).contains("TorchScript");
    Row row = ResultSchema.toRow(r);
    assertThat(row.<String>getAs("trace_unavailable")).contains("TorchScript");
    assertThat(row.<Object>getAs("timed_product_subnormal_fraction")).isNull();
    assertThat(row.<Object>getAs("depth")).isNull();
    assertThat(row.<Object>getAs("flops_per_call")).isNull();
    assertThat(row.<String>getAs("torchscript_sha256")).hasSize(64);
    assertThat(row.<Double>getAs("latency_ratio")).isPositive();
  }

  @Test
  void theConvFixtureTrainsWithCrossEntropyAndIsTimedPerParameterTensor() throws Exception {
    List<ResultRow> rows = run("conv.pt",
        "model: {torchscript: conv.pt, input_shape: [3, 32, 32], outputs: 10}\n"
            + "data: {samples: 16}\ntrain: {learning_rate: 0.05}\ngrid: {epochs: [0, 8]}\n");
    assertThat(rows.get(1).training().trainLoss()).isLessThan(rows.get(0).training().trainLoss());
    assertThat(rows.get(1).training().trainAccuracy()).isNotNull();
    for (ResultRow r : rows) {
      timedWithEveryControlItHas(r);
      assertThat(layers(r)).extracting(l -> l.<String>getAs("name"))
          .containsExactly("conv.weight", "conv.bias", "fc.weight", "fc.bias");
      assertThat(layers(r).get(0).<List<Long>>getAs("shape")).containsExactly(8L, 3L, 3L, 3L);
      assertThat(layers(r)).allSatisfy(l -> {
        assertThat(l.<String>getAs("kind")).isEqualTo("parameter");
        assertThat(l.<Double>getAs("weight_max_abs")).isPositive();
        assertThat(l.<Object>getAs("rescale_exponent")).isNull();
      });
    }
    // The parameters moved: epoch 0 is the file, the checkpoint is not.
    assertThat(layers(rows.get(1)).get(2).<Double>getAs("weight_max_abs"))
        .isNotEqualTo(layers(rows.get(0)).get(2).<Double>getAs("weight_max_abs"));
  }

  @Test
  void theMlpFixtureTrainsWithMseOnMinibatchesAndAdam() throws Exception {
    List<ResultRow> rows = run("mlp.pt",
        "model: {torchscript: mlp.pt, input_shape: [20], outputs: 1, loss: mse}\n"
            + "data: {kind: uniform, samples: 64}\ntrain: {optimizer: adam, learning_rate: 0.01, batch_size: 16}\n"
            + "grid: {epochs: [0, 10]}\n");
    assertThat(rows.get(1).training().trainLoss()).isLessThan(rows.get(0).training().trainLoss());
    assertThat(rows.get(1).training().trainAccuracy()).isNull();
    assertThat(rows.get(1).training().trainStepMicros()).isPositive();
    assertThat(ResultSchema.toRow(rows.get(1)).<Long>getAs("steps")).isEqualTo(40L);
    rows.forEach(ScriptedRunTest::timedWithEveryControlItHas);
    assertThat(layers(rows.get(0))).hasSize(6);
  }

  @Test
  void theEmbeddingFixtureTrainsOnSyntheticInt64IdsAndIsTimedOnIds() throws Exception {
    List<ResultRow> rows = run("embedding_mlp.pt",
        "model: {torchscript: embedding_mlp.pt, input_shape: [6], input_dtype: int64, input_range: [0, 100], outputs: 2}\n"
            + "data: {samples: 32}\ntrain: {optimizer: adam, learning_rate: 0.05, batch_size: 8}\ngrid: {epochs: [0, 10]}\n");
    assertThat(rows.get(1).training().trainLoss()).isLessThan(rows.get(0).training().trainLoss());
    assertThat(rows.get(1).training().trainAccuracy()).isNotNull();
    rows.forEach(ScriptedRunTest::timedWithEveryControlItHas);
    assertThat(layers(rows.get(0))).extracting(l -> l.<String>getAs("name"))
        .containsExactly("embedding.weight", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    assertThat(rows.get(0).run().model().describe()).contains("int64 ids in [0, 100)");
  }

  @Test
  void aModelOfTwoInputsTrainsOnIdsAndAMaskAndIsTimedOnBoth() throws Exception {
    List<ResultRow> rows = run("ids_mask.pt",
        "model: {torchscript: ids_mask.pt, inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}], outputs: 2}\n"
            + "data: {kind: uniform, samples: 32}\ntrain: {optimizer: adam, learning_rate: 0.05, batch_size: 8}\n"
            + "grid: {epochs: [0, 10]}\n");
    assertThat(rows.get(1).training().trainLoss()).isLessThan(rows.get(0).training().trainLoss());
    rows.forEach(ScriptedRunTest::timedWithEveryControlItHas);
    assertThat(rows.get(0).run().model().describe()).contains("[[6] int64 ids in [0, 100), [6]]");
  }

  @Test
  void theMlpFixtureTrainsOnATableTheDriverShipped() throws Exception {
    int n = 48;
    SplittableRandom random = new SplittableRandom(3);
    float[] x = new float[n * 20];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble();
    }
    for (int i = 0; i < n; i++) {
      y[i] = x[i * 20] + 0.5f * x[i * 20 + 1];
    }
    String features = String.join(", ", java.util.stream.IntStream.range(0, 20).mapToObj(i -> "f" + i).toList());
    List<ResultRow> rows = run("mlp.pt",
        "model: {torchscript: mlp.pt, input_shape: [20], outputs: 1, loss: mse}\n"
            + "data: {parquet: t.parquet, features: [" + features + "], label: y}\n"
            + "train: {optimizer: adam, learning_rate: 0.01, batch_size: 16}\ngrid: {epochs: [0, 10]}\n",
        new TrainingSet(n, 20, 1, x, y));
    assertThat(rows.get(1).training().trainLoss()).isLessThan(rows.get(0).training().trainLoss());
    assertThat(ResultSchema.toRow(rows.get(1)).<String>getAs("data_table")).isEqualTo("t.parquet");
  }
}
