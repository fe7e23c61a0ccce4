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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The architectures the slowdown reports name train and time through the whole run, from the
 * TorchScript bytes in the spec: an LSTM (oneDNN #561, MXNet #19218's RNN gates), a Transformer
 * encoder (attention, layer norm, dropout) and the BatchNorm + Dropout MLP. Each is trained a few
 * steps with SGD and with Adam, both with weight decay; every row must be ok, timed with every control
 * it has, and the eval-mode loss on the training set must fall. The sample counts are tiny and the
 * timing short: this proves that the architectures go through, not how fast they are (conf/cases/).
 */
class ArchitecturesRunTest {
  private static final String TIMING =
      "timing: {batch_sizes: [2], warmup_iterations: 3, warmup_max_seconds: 0.02, block_size: 2, min_blocks: 3, max_seconds: 0.1}\n";

  private static List<RunSpec> specs(String fixture, String shape, String optimizer) throws Exception {
    String yaml = "model: {torchscript: " + fixture + ", input_shape: " + shape + ", outputs: 2}\n"
        + "data: {samples: 16}\ntrain: {batch_size: 8}\n"
        + "grid: {optimizer: [" + optimizer + "], learning_rate: [0.01], weight_decay: [1.0e-3], epochs: [0, 3]}\n";
    GridConfig config = GridLoader.parse("t.yaml", "t", yaml + TIMING);
    ScriptedModel declared = (ScriptedModel) config.model();
    byte[] bytes = Files.readAllBytes(Path.of("src/test/resources/torchscript", fixture));
    config = config.withModel(ScriptedCheck.checked("t.yaml", declared, bytes, List.of(Precision.FP32)));
    return GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU);
  }

  @SuppressWarnings("unchecked")
  private static List<Row> layers(ResultRow r) {
    return (List<Row>) ResultSchema.toRow(r).getAs("layers");
  }

  @ParameterizedTest(name = "{0} with {2}")
  @CsvSource(delimiter = ';', value = {
      "lstm.pt; [10, 8]; sgd; lstm.weight_ih_l0",
      "lstm.pt; [10, 8]; adam; lstm.weight_hh_l0",
      "transformer.pt; [8, 16]; sgd; encoder.layers.0.self_attn.in_proj_weight",
      "transformer.pt; [8, 16]; adam; encoder.layers.0.norm1.weight",
      "bn_mlp.pt; [20]; sgd; bn.running_var",
      "bn_mlp.pt; [20]; adam; bn.running_mean"})
  void trainsWithWeightDecayAndIsTimedWithEveryControl(String fixture, String shape, String optimizer, String tensor)
      throws Exception {
    List<RunSpec> specs = specs(fixture, shape, optimizer);
    assertThat(specs).hasSize(1);
    RunSpec spec = specs.get(0);
    List<ResultRow> rows = RunTask.execute(spec, new Executor("1", "4.2.0"), (dev.infersweep.spec.TrainingSet) null).stream()
        .sorted(Comparator.comparing(r -> r.value(Axes.EPOCHS))).toList();
    assertThat(rows).hasSize(spec.expectedRows()).hasSize(2);
    assertThat(rows).allSatisfy(r -> assertThat(r.status()).as("%s", r.outcome().errorTrace()).isEqualTo(RowStatus.OK));
    ResultRow start = rows.get(0);
    ResultRow trained = rows.get(1);
    assertThat(ResultSchema.toRow(trained).<Long>getAs("steps")).isEqualTo(6L);
    assertThat(trained.training().trainLoss()).isLessThan(start.training().trainLoss());
    for (ResultRow r : rows) {
      Controls c = r.measurement().controls();
      assertThat(c.aa()).isNotNull();
      assertThat(c.aaLatency()).isNotNull();
      assertThat(c.zeroed()).isNotNull();
      assertThat(c.flushed() != null).isEqualTo(FlushToZero.unavailableReason() == null);
      assertThat(c.rescaleNote()).contains("TorchScript");
      assertThat(ResultSchema.toRow(r).<Double>getAs("latency_ratio")).isPositive();
      assertThat(layers(r)).extracting(l -> l.<String>getAs("name")).contains(tensor);
    }
    // The checkpoint is the trained state, not the file: the named tensor moved (a parameter by the
    // optimizer, a running statistic by the train-mode forward passes).
    assertThat(max(trained, tensor)).isNotEqualTo(max(start, tensor));
  }

  private static Double max(ResultRow r, String tensor) {
    return layers(r).stream().filter(l -> tensor.equals(l.getAs("name"))).findFirst().orElseThrow()
        .<Double>getAs("weight_max_abs");
  }
}
