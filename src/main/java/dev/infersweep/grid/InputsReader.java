package dev.infersweep.grid;

import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputType;
import dev.infersweep.net.InputValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads what a model's input holds: {@code input_shape} with {@code input_dtype} and {@code
 * input_range} (one input), or {@code inputs: [{shape, dtype, range}, …]} (several, in the order
 * forward takes them). An integer type needs its range: a vocabulary's size cannot be guessed.
 */
final class InputsReader {
  private InputsReader() {}

  /** A TorchScript model's inputs, each fitting one array with {@code samples} samples. */
  static List<InputSpec> inputs(ConfigNode m, int samples) {
    List<InputSpec> inputs = new ArrayList<>();
    if (m.has("inputs")) {
      for (String single : List.of("input_shape", "input_dtype", "input_range")) {
        if (m.has(single)) {
          throw m.error(single, "give model.inputs (several inputs) or model.input_shape with input_dtype and input_range"
              + " (one input), not both");
        }
      }
      for (ConfigNode i : m.mappings("inputs")) {
        i.allowOnly(Set.of("shape", "dtype", "range"));
        inputs.add(new InputSpec(shape(i, "shape"), values(i, "dtype", "range")));
      }
    } else {
      inputs.add(new InputSpec(shape(m, "input_shape"), values(m, "input_dtype", "input_range")));
    }
    long input = 0;
    for (InputSpec i : inputs) {
      input = Math.min(SettingsReader.MAX_ARRAY + 1, input + product(i.shape()));
    }
    if (input > SettingsReader.MAX_ARRAY || (long) samples * input > SettingsReader.MAX_ARRAY) {
      throw m.error(m.has("inputs") ? "inputs" : "input_shape", samples + " samples of " + inputs
          + " do not fit one array (at most " + SettingsReader.MAX_ARRAY + " values)");
    }
    return List.copyOf(inputs);
  }

  private static long[] shape(ConfigNode node, String key) {
    long[] shape = node.sizes(key, SettingsReader.MAX_ARRAY).stream().mapToLong(Long::longValue).toArray();
    if (product(shape) > SettingsReader.MAX_ARRAY) {
      throw node.error(key, java.util.Arrays.toString(shape) + " does not fit one array (at most " + SettingsReader.MAX_ARRAY + " values)");
    }
    return shape;
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long size : shape) {
      n = Math.min(SettingsReader.MAX_ARRAY + 1, n * size);
    }
    return n;
  }

  /** {@code dtypeKey} (float32 unless given) and, for an integer type, {@code rangeKey: [low, high)}. */
  static InputValues values(ConfigNode m, String dtypeKey, String rangeKey) {
    if (m.isList(dtypeKey)) {
      throw m.error(dtypeKey, "give one type, not a list; allowed: " + String.join(", ", InputType.labels()));
    }
    InputType type = m.has(dtypeKey)
        ? m.wordList(dtypeKey, null, InputType::parse, InputType.labels()).get(0) : InputType.FLOAT32;
    if (!type.integer()) {
      if (m.has(rangeKey)) {
        throw m.error(rangeKey, "applies to integer ids only; set " + dtypeKey + " to int64 or int32, or drop it");
      }
      return InputValues.FLOAT32;
    }
    if (!m.has(rangeKey)) {
      throw m.error(rangeKey, "missing required key with " + dtypeKey + " " + type.label()
          + ": the ids' range [low, high), e.g. [0, 30000] for a vocabulary of 30000");
    }
    List<Long> range = m.integers(rangeKey, 0, InputValues.MAX_ID, "ids", "[0, 30000]");
    if (range.size() != 2) {
      throw m.error(rangeKey, "expected [low, high) as two integers, found " + range.size() + " values");
    }
    if (range.get(1) <= range.get(0)) {
      throw m.error(rangeKey, "[" + range.get(0) + ", " + range.get(1) + ") is empty; high must be above low");
    }
    return InputValues.ids(type, range.get(0), range.get(1));
  }
}
