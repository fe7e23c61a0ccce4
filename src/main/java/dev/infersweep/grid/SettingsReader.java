package dev.infersweep.grid;

import dev.infersweep.net.Activation;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.Layer;
import dev.infersweep.net.LossFunction;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.net.Network;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainRegime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the grid's {@code model}, {@code data} and {@code train} settings that are not axes: the
 * network (the article's three widths, or a list of layers), where the samples come from, and the
 * minibatch and momentum. Defaults meet the YAML here and nowhere else.
 */
final class SettingsReader {
  /** The most values one Java array holds, with headroom. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final long MAX_UNITS = 100_000;

  /**
   * Every key {@code model} may hold, of every kind of model (a declared network, a TorchScript file
   * to train, models to read): a key outside them all is refused with all of them listed; a key of
   * another kind than the one declared is refused by that kind's own list.
   */
  static final Set<String> MODEL_KEYS = Set.of("input", "hidden", "output", "layers", "loss", "torchscript",
      "input_shape", "input_dtype", "input_range", "inputs", "outputs", "checkpoints", "files", "baseline");

  private SettingsReader() {}

  /** {@code data}: synthetic ({@code kind}, {@code samples}, {@code seed}, {@code fresh}) or a table. */
  static DataSpec data(ConfigNode d) {
    if (d.has("parquet")) {
      d.allowOnly(Set.of("parquet", "features", "label"));
      String path = d.string("parquet", null);
      if (path.isBlank()) {
        throw d.error("parquet", "expected a path, found an empty string");
      }
      List<String> features = d.strings("features");
      String label = d.string("label", null);
      if (label == null) {
        throw d.error("label", "missing required key (the label column)");
      }
      if (features.contains(label)) {
        throw d.error("label", "'" + label + "' is also a feature column");
      }
      return new DataSpec.Table(path, features, label, 0, null);
    }
    d.allowOnly(Set.of("kind", "samples", "seed", "fresh"));
    DataSpec.Distribution kind =
        d.has("kind")
            ? d.wordList("kind", null, DataSpec.Distribution::parse, DataSpec.Distribution.labels()).get(0)
            : DataSpec.Distribution.NORMAL;
    if (d.isList("kind")) {
      throw d.error("kind", "give one kind, not a list; allowed: " + String.join(", ", DataSpec.Distribution.labels()));
    }
    return new DataSpec.Synthetic(
        kind,
        (int) d.integer("samples", 1000L, 1, 10_000_000),
        d.integer("seed", 0L, 0, Long.MAX_VALUE),
        d.flag("fresh", false));
  }

  /**
   * {@code model}: {@code {input, hidden, output}} is the article's SimpleNet; {@code {input,
   * layers, loss}} any dense network. With a table, {@code input} is its feature count.
   */
  static ModelSpec model(ConfigNode m, ConfigNode d, DataSpec data) {
    m.allowOnly(MODEL_KEYS);
    if (m.has("torchscript")) {
      return scripted(m, d, data);
    }
    Integer tableInputs = data instanceof DataSpec.Table t ? t.features().size() : null;
    Network network = m.has("layers") ? layers(m, tableInputs) : article(m, tableInputs);
    if (network.parameterCount() > MAX_ARRAY) {
      throw m.error("", "the network has " + network.parameterCount() + " parameters; at most " + MAX_ARRAY + " fit");
    }
    if ((long) data.samples() * network.input() > MAX_ARRAY) {
      throw d.error(data instanceof DataSpec.Table ? "features" : "samples", data.samples() + " samples × " + network.input() + " inputs do not fit one array (at most " + MAX_ARRAY + " values)");
    }
    if (data instanceof DataSpec.Table && !network.loss().classification() && network.outputs() != 1) {
      throw m.error("layers", "a table has one label column, so an mse network needs 1 output, not " + network.outputs());
    }
    return network;
  }

  /**
   * {@code {torchscript, input_shape, outputs, loss}}: a TorchScript file, read and checked by the
   * driver before the sweep (here only its declaration).
   */
  private static ScriptedModel scripted(ConfigNode m, ConfigNode d, DataSpec data) {
    m.allowOnly(Set.of("torchscript", "input_shape", "input_dtype", "input_range", "inputs", "outputs", "loss"));
    String path = m.string("torchscript", null);
    if (path.isBlank()) {
      throw m.error("torchscript", "expected a path to a TorchScript file, found an empty string");
    }
    List<InputSpec> inputs = InputsReader.inputs(m, data.samples());
    long input = InputSpec.size(inputs);
    String shape = inputs.size() == 1 ? java.util.Arrays.toString(inputs.get(0).shape()) : inputs.toString();
    LossFunction loss = loss(m);
    int outputs = (int) m.integer("outputs", null, loss.classification() ? 2 : 1, MAX_UNITS);
    if (data instanceof DataSpec.Table t && t.features().size() != input) {
      throw d.error("features", t.features().size() + " columns do not fill model." + (inputs.size() == 1 ? "input_shape " : "inputs ")
          + shape + " (" + input + " values per sample)");
    }
    if (data instanceof DataSpec.Table && !loss.classification() && outputs != 1) {
      throw m.error("outputs", "a table has one label column, so an mse model needs 1 output, not " + outputs);
    }
    return ScriptedModel.declared(path, inputs, outputs, loss);
  }

  private static LossFunction loss(ConfigNode m) {
    if (m.isList("loss")) {
      throw m.error("loss", "give one loss, not a list; allowed: " + String.join(", ", LossFunction.labels()));
    }
    return m.has("loss") ? m.wordList("loss", null, LossFunction::parse, LossFunction.labels()).get(0) : LossFunction.CROSS_ENTROPY;
  }

  private static Network article(ConfigNode m, Integer tableInputs) {
    m.allowOnly(Set.of("input", "hidden", "output", "layers", "loss"));
    if (m.has("loss")) {
      throw m.error("loss", "the article's {input, hidden, output} trains with cross_entropy; declare model.layers for another loss");
    }
    return Network.article(
        input(m, tableInputs),
        (int) m.integer("hidden", 50L, 1, MAX_UNITS),
        (int) m.integer("output", 2L, 2, MAX_UNITS));
  }

  private static Network layers(ConfigNode m, Integer tableInputs) {
    m.allowOnly(Set.of("input", "layers", "loss"));
    LossFunction loss = loss(m);
    List<ConfigNode> nodes = m.mappings("layers");
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      ConfigNode l = nodes.get(i);
      l.allowOnly(Set.of("dense", "activation"));
      boolean last = i == nodes.size() - 1;
      int units = (int) l.integer("dense", null, last && loss.classification() ? 2 : 1, MAX_UNITS);
      Activation activation = last ? Activation.IDENTITY : Activation.RELU;
      if (l.has("activation")) {
        if (l.isList("activation")) {
          throw l.error("activation", "give one activation, not a list; allowed: " + String.join(", ", Activation.labels()));
        }
        activation = l.wordList("activation", null, Activation::parse, Activation.labels()).get(0);
        if (last && activation != Activation.IDENTITY) {
          throw l.error("activation", "the last layer has no activation (its outputs feed the loss); drop the key");
        }
      }
      layers.add(new Layer(units, activation));
    }
    return new Network(input(m, tableInputs), layers, loss);
  }

  private static int input(ConfigNode m, Integer tableInputs) {
    if (tableInputs == null) {
      return (int) m.integer("input", 10L, 1, MAX_UNITS);
    }
    int given = (int) m.integer("input", (long) tableInputs, 1, MAX_UNITS);
    if (given != tableInputs) {
      throw m.error("input", given + " does not match data.features, which names " + tableInputs + " columns; drop model.input or make them agree");
    }
    return given;
  }

  /** {@code train.batch_size} and {@code train.momentum}; the unit is the grid's. */
  static TrainRegime regime(ConfigNode train, DataSpec data, TrainRegime.CheckpointUnit unit) {
    int batch = (int) train.integer("batch_size", 0L, 1, 10_000_000);
    if (batch != 0 && !data.fresh() && data instanceof DataSpec.Synthetic && batch > data.samples()) {
      throw train.error("batch_size", batch + " is more than data.samples (" + data.samples() + "); a minibatch is part of the training set");
    }
    double momentum = train.number("momentum", 0.0, 0, false, 0.999999);
    return new TrainRegime(batch, momentum, unit);
  }
}
