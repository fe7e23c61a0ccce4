package dev.infersweep.grid;

import dev.infersweep.spec.TimingSpec;
import dev.infersweep.net.Network;
import dev.infersweep.error.ConfigException;
import dev.infersweep.spec.Optimizer;
import dev.infersweep.spec.Axes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.spec.Precision;
import dev.infersweep.spec.Protocol;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridLoaderTest {
  private static GridConfig parse(String yaml) {
    return GridLoader.parse("g.yaml", "g", yaml);
  }

  private static void rejects(String yaml, String... fragments) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith("g.yaml: ").doesNotContain("\n").contains(fragments));
  }

  @Test
  void appliesSeedDefaults() {
    GridConfig config = parse("grid: {epochs: [0, 10]}");
    assertThat(config.name()).isEqualTo("g");
    assertThat(config.model()).isEqualTo(Network.article(10, 50, 2));
    assertThat(config.data().samples()).isEqualTo(1000);
    assertThat(config.axes().get(Axes.LEARNING_RATE)).containsExactly(0.01);
    assertThat(config.axes().get(Axes.PRECISION)).containsExactly(Precision.FP32);
    assertThat(config.axes().get(Axes.WEIGHT_DECAY)).containsExactly(0.0);
    assertThat(config.axes().get(Axes.BATCH_SIZE)).containsExactly(1);
    assertThat(config.maxRows()).isEqualTo(GridLoader.DEFAULT_MAX_ROWS);
    assertThat(config.axes().get(Axes.PROTOCOL)).containsExactly(Protocol.RIGOROUS);
    assertThat(config.timing().targetCi()).isEqualTo(0.01);
    assertThat(config.timing().maxSeconds()).isEqualTo(2.0);
    assertThat(config.timing().seedIterations()).isEqualTo(100);
  }

  @Test
  void readsEveryKey() {
    GridConfig config =
        parse(
            """
            name: full
            max_rows: 500
            model: {input: 4, hidden: 8, output: 3}
            data: {samples: 64, seed: 9}
            train: {optimizer: sgd, learning_rate: 0.1}
            grid:
              epochs: [0, 5]
              weight_decay: [0, 1.0e-3]
              activation_scale: [1, 3]
              precision: [fp32, FP16, bf16, fp64]
              seed: 4
              protocol: [seed, rigorous]
            timing:
              batch_sizes: [1, 8]
              warmup_iterations: 3
              warmup_max_seconds: 0.1
              block_size: 5
              min_blocks: 4
              target_ci: 0.05
              max_seconds: 0.5
              seed_iterations: 7
              input_seed: 1
            """);
    assertThat(config.name()).isEqualTo("full");
    assertThat(config.model()).isEqualTo(Network.article(4, 8, 3));
    assertThat(config.axes().get(Axes.PRECISION))
        .containsExactly(Precision.FP32, Precision.FP16, Precision.BF16, Precision.FP64);
    assertThat(config.axes().get(Axes.SEED)).containsExactly(4L);
    assertThat(config.axes().get(Axes.PROTOCOL)).containsExactly(Protocol.SEED, Protocol.RIGOROUS);
    assertThat(config.timing())
        .isEqualTo(new TimingSpec(3, 0.1, 5, 4, 0.05, 0.5, 7, 1));
    assertThat(config.rowCount()).isEqualTo(2L * 2 * 2 * 4 * 1 * 2 * 2);
  }

  @Test
  void loadsTheShippedGrids() {
    Path conf = Path.of(System.getProperty("infersweep.project.dir", "."), "conf");
    for (String name : List.of("smoke.yaml", "seed.yaml")) {
      GridConfig config = GridLoader.load(conf.resolve(name));
      assertThat(config.rowCount()).isPositive();
    }
    GridConfig smoke = GridLoader.load(conf.resolve("smoke.yaml"));
    assertThat(smoke.axes().get(Axes.PRECISION)).containsExactlyInAnyOrder(Precision.values());
    assertThat(smoke.axes().get(Axes.BATCH_SIZE)).hasSize(2);
  }

  @Test
  void optimizerIsARunLevelAxis() {
    GridConfig config = parse("grid: {epochs: [0, 1], optimizer: [sgd, adam], seed: [1, 2]}");
    assertThat(config.axes().get(Axes.OPTIMIZER)).containsExactly(Optimizer.SGD, Optimizer.ADAM);
    assertThat(config.runCount()).isEqualTo(4);
    assertThat(parse("train: {optimizer: adam}\ngrid: {epochs: [1]}").axes().get(Axes.OPTIMIZER)).containsExactly(Optimizer.ADAM);
  }

  @Test
  void rejectsMissingFile() {
    assertThatThrownBy(() -> GridLoader.load(Path.of("/nonexistent/grid.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("grid file not found");
  }

  @Test
  void rejectsEmptyFile() {
    rejects("", "empty");
    rejects("# only a comment\n", "empty");
  }

  @Test
  void rejectsMalformedYaml() {
    rejects("grid: {epochs: [0, 1}\n", "malformed YAML", "line");
  }

  @Test
  void rejectsUnknownKeyWithHint() {
    rejects("grid: {epochs: [1], wieght_decay: [0]}", "grid.wieght_decay", "unknown key", "did you mean 'weight_decay'");
    rejects("modle: {}\ngrid: {epochs: [1]}", "modle", "did you mean 'model'");
  }

  @Test
  void anUnknownModelKeyListsTheKeysOfEveryKindOfModel() {
    rejects("model: {input: 3, checkpoint: ['a.pt']}\ngrid: {epochs: [1]}", "model.checkpoint: unknown key (did you mean 'checkpoints'?);"
        + " allowed: baseline, checkpoints, files, hidden, input, input_dtype, input_range, input_shape, inputs, layers, loss, output, outputs, torchscript");
    // A key of another kind of model: that kind's own list.
    rejects("model: {input: 3, outputs: 2}\ngrid: {epochs: [1]}", "model.outputs: unknown key", "allowed: hidden, input, layers, loss, output");
  }

  @Test
  void rejectsMissingGrid() {
    rejects("model: {input: 3}", "grid", "missing required section");
    rejects("grid: {seed: [1]}", "grid.epochs", "missing required key");
  }

  @Test
  void rejectsEmptyAxis() {
    rejects("grid: {epochs: []}", "grid.epochs", "at least one value");
  }

  @Test
  void rejectsWrongTypes() {
    rejects("grid: {epochs: [ten]}", "grid.epochs[0]", "whole number");
    rejects("grid: {epochs: [1.5]}", "grid.epochs[0]", "whole number");
    rejects("grid: {epochs: [1], weight_decay: [abc]}", "grid.weight_decay[0]", "expected a number");
    rejects("grid: [1, 2]", "grid", "mapping");
    rejects("train: {optimizer: 3}\ngrid: {epochs: [1]}", "train.optimizer", "expected one of sgd, adam");
  }

  @Test
  void rejectsOutOfRangeNumbers() {
    rejects("grid: {epochs: [-1]}", "grid.epochs[0]", "between 0 and");
    rejects("grid: {epochs: [1], weight_decay: [-0.1]}", "grid.weight_decay[0]", ">= 0");
    rejects("grid: {epochs: [1], activation_scale: [0]}", "grid.activation_scale[0]", "> 0");
    rejects("train: {learning_rate: 0}\ngrid: {epochs: [1]}", "train.learning_rate", "> 0");
    rejects("model: {hidden: 0}\ngrid: {epochs: [1]}", "model.hidden", "between 1 and");
    rejects("model: {output: 1}\ngrid: {epochs: [1]}", "model.output", "between 2 and");
    rejects("data: {samples: 0}\ngrid: {epochs: [1]}", "data.samples", "between 1 and");
    rejects("grid: {epochs: [1]}\ntiming: {batch_sizes: [0]}", "timing.batch_sizes[0]", "between 1 and");
  }

  @Test
  void rejectsBadIntraOpThreadCounts() {
    rejects("grid: {epochs: [1]}\ntiming: {threads: [0]}", "timing.threads[0]", "between 1 and");
    rejects("grid: {epochs: [1]}\ntiming: {threads: [1, -2]}", "timing.threads[1]", "between 1 and");
    rejects("grid: {epochs: [1]}\ntiming: {threads: [1.5]}", "timing.threads[0]", "whole number");
    rejects("grid: {epochs: [1]}\ntiming: {threads: [two]}", "timing.threads[0]", "whole number");
    rejects("grid: {epochs: [1]}\ntiming: {threads: [2000]}", "timing.threads[0]", "between 1 and 1024");
  }

  @Test
  void threadsDefaultToOneAndAreACellAxis() {
    assertThat(parse("grid: {epochs: [1]}").axes().get(Axes.INTRA_OP_THREADS)).containsExactly(1);
    GridConfig config = parse("grid: {epochs: [0, 1]}\ntiming: {threads: [1, 2, 4]}");
    assertThat(config.axes().get(Axes.INTRA_OP_THREADS)).containsExactly(1, 2, 4);
    assertThat(config.rowCount()).isEqualTo(6);
  }

  @Test
  void moreThreadsThanTheTaskHoldsAreRefusedWithWhatToSet() {
    GridConfig config = parse("grid: {epochs: [1]}\ntiming: {threads: [1, 4, 2]}");
    config.checkThreads(4);
    assertThatThrownBy(() -> config.checkThreads(2))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith("g.yaml: timing.threads: 4 intra-op threads exceed the 2 core(s)")
            .contains("--conf spark.task.cpus=4").doesNotContain("\n"));
  }

  @Test
  void rejectsNonFiniteNumbers() {
    rejects("grid: {epochs: [1], weight_decay: [.nan]}", "grid.weight_decay[0]", "finite");
    rejects("grid: {epochs: [1], activation_scale: [.inf]}", "grid.activation_scale[0]", "finite");
  }

  @Test
  void rejectsUnknownPrecisionAndOptimizer() {
    rejects("grid: {epochs: [1], precision: [fp8]}", "grid.precision[0]", "'fp8'", "fp32, fp64, fp16, bf16");
    rejects("train: {optimizer: lbfgs}\ngrid: {epochs: [1]}", "train.optimizer", "'lbfgs'", "sgd, adam");
    rejects("grid: {epochs: [1], optimizer: [sgd, rmsprop]}", "grid.optimizer[1]", "'rmsprop'", "sgd, adam");
    rejects("train: {optimizer: sgd}\ngrid: {epochs: [1], optimizer: [adam]}", "grid.optimizer", "not both");
  }

  @Test
  void rejectsUnknownProtocolAndBadTimingBudgets() {
    rejects("grid: {epochs: [1], protocol: [fast]}", "grid.protocol[0]", "'fast'", "rigorous, seed");
    rejects("grid: {epochs: [1]}\ntiming: {target_ci: 0}", "timing.target_ci", "> 0");
    rejects("grid: {epochs: [1]}\ntiming: {max_seconds: -1}", "timing.max_seconds", "> 0");
    rejects("grid: {epochs: [1]}\ntiming: {min_blocks: 1}", "timing.min_blocks", "between 2 and");
    rejects("grid: {epochs: [1]}\ntiming: {iterations: 10}", "timing.iterations", "unknown key");
  }

  @Test
  void rejectsDuplicateAxisValues() {
    rejects("grid: {epochs: [0, 10, 0]}", "grid.epochs[2]", "duplicate");
    rejects("grid: {epochs: [1], precision: [fp16, FP16]}", "grid.precision[1]", "duplicate");
  }

  @Test
  void rejectsBadName() {
    rejects("name: 'my sweep'\ngrid: {epochs: [1]}", "name", "letters, digits");
  }

  @Test
  void refusesGridsAboveMaxRowsUnlessAllowed() {
    GridConfig config = parse("max_rows: 3\ngrid: {epochs: [0, 1, 2, 3]}");
    assertThatThrownBy(() -> config.checkSize(false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_rows")
        .hasMessageContaining("4 rows")
        .hasMessageContaining("allow a large grid");
    config.checkSize(true);
  }

  @Test
  void learningRateIsARunLevelAxisWithTrainAsItsSingleValueForm() {
    GridConfig config = parse("grid: {epochs: [1], learning_rate: [0.01, 0.1]}");
    assertThat(config.axes().get(Axes.LEARNING_RATE)).containsExactly(0.01, 0.1);
    assertThat(config.runCount()).isEqualTo(2);
    assertThat(parse("train: {learning_rate: 0.5}\ngrid: {epochs: [1]}").axes().get(Axes.LEARNING_RATE))
        .containsExactly(0.5);
    rejects("train: {learning_rate: 0.5}\ngrid: {epochs: [1], learning_rate: [0.1]}", "grid.learning_rate", "not both");
  }

  @Test
  void rejectsRatesTheEngineWouldSeeAsZero() {
    rejects("train: {learning_rate: 1.0e-46}\ngrid: {epochs: [1]}", "train.learning_rate", "smallest normal");
    rejects("grid: {epochs: [1], weight_decay: [0, 1.0e-40]}", "grid.weight_decay[1]", "smallest normal");
  }

  @Test
  void rejectsAGridTooLargeToCount() {
    // Six axes of 4096 values: 2^72 rows, which a long cannot count.
    String yaml =
        "max_rows: 10\n"
            + "grid:\n"
            + "  epochs: " + list(i -> i) + "\n"
            + "  seed: " + list(i -> i) + "\n"
            + "  weight_decay: " + list(i -> i / 10.0) + "\n"
            + "  activation_scale: " + list(i -> 1 + i / 10.0) + "\n"
            + "  learning_rate: " + list(i -> (1 + i) / 1e4) + "\n"
            + "timing:\n"
            + "  batch_sizes: " + list(i -> 1 + i) + "\n";
    rejects(yaml, "multiply past 2^63", "epochs 4096");
  }

  private static String list(java.util.function.IntFunction<Object> value) {
    return java.util.stream.IntStream.range(0, 4096).mapToObj(value).map(String::valueOf).toList().toString();
  }

  @Test
  void rejectsAKeyGivenTwice() {
    rejects("grid: {epochs: [1]}\ngrid: {epochs: [2]}\n", "grid", "given twice");
    rejects("grid: {epochs: [1], epochs: [2]}", "grid.epochs", "given twice");
  }

  @Test
  void rejectsSeveralDocuments() {
    rejects("grid: {epochs: [1]}\n---\ngrid: {epochs: [2]}\n", "several YAML documents");
  }

  @Test
  void rejectsModelsAndDataTooLargeForOneArray() {
    rejects("model: {input: 100000, hidden: 100000}\ngrid: {epochs: [1]}", "model", "parameters");
    rejects("model: {input: 1000}\ndata: {samples: 10000000}\ngrid: {epochs: [1]}", "data.samples", "do not fit");
  }
}
