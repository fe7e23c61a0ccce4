package dev.infersweep.grid;

import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputValues;
import dev.infersweep.net.ModelSource;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.AxisValues;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainRegime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A grid whose models are read, not trained ({@code model.checkpoints} or {@code model.files}): only
 * {@code name}, {@code max_rows}, {@code model} and {@code timing} apply. Training keys are refused,
 * one line each, since nothing is trained; the cell axes that remain are those read from
 * {@code timing} (batch sizes), the others take one fixed value (no training checkpoints, the
 * file's own precision, the rigorous protocol).
 */
final class SourceReader {
  /** The model keys of a read source. */
  static final Set<String> MODEL_KEYS = Set.of("checkpoints", "files", "input_shape", "input_dtype", "input_range", "inputs", "baseline");

  private SourceReader() {}

  /** Whether the grid's model is a read source. */
  static boolean declares(ConfigNode top) {
    ConfigNode m = top.section("model", false);
    return m.has("checkpoints") || m.has("files");
  }

  static GridConfig grid(String where, ConfigNode top, String name, long maxRows) {
    for (String section : List.of("data", "train", "grid")) {
      if (top.has(section)) {
        throw top.error(section, "a grid of models that are read (model.checkpoints or model.files) trains nothing;"
            + " remove '" + section + "' (allowed: name, max_rows, model, timing)");
      }
    }
    top.allowOnly(Set.of("name", "max_rows", "model", "timing"));
    ModelSource source = source(top.section("model", false));
    ConfigNode timing = top.section("timing", false);
    Set<String> allowed = new TreeSet<>(GridLoader.TIMING_KEYS);
    Map<Axis<?>, List<?>> values = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      boolean inTiming = GridLoader.section(axis.yamlKey()).equals("timing");
      if (inTiming) {
        allowed.add(GridLoader.key(axis.yamlKey()));
      }
      values.put(axis, inTiming ? readTiming(axis, timing) : fixed(axis));
    }
    timing.allowOnly(allowed);
    GridConfig config = new GridConfig(name, where, maxRows, source, DataSpec.Synthetic.article(1, 0),
        TrainRegime.article(), 0, AxisValues.of(values), GridLoader.timing(timing), false);
    config.rowCount();
    return config;
  }

  private static <T> List<T> readTiming(Axis<T> axis, ConfigNode timing) {
    return GridLoader.readValues(axis, timing, GridLoader.key(axis.yamlKey()), axis.defaults());
  }

  /** The one value an axis takes when nothing is trained: no checkpoint epochs (0), else its default. */
  private static List<?> fixed(Axis<?> axis) {
    return axis == Axes.EPOCHS ? List.of(0) : axis.defaults();
  }

  /**
   * {@code model.checkpoints} / {@code model.files} with {@code input_shape}, {@code input_dtype} and
   * {@code input_range}, or {@code inputs} (for every pattern, as a TorchScript model's), and {@code
   * baseline}. With {@code inputs} no entry has a shape of its own: that is one input's.
   */
  static ModelSource source(ConfigNode m) {
    if (m.has("checkpoints") && m.has("files")) {
      throw m.error("files", "give model.checkpoints (a series) or model.files (a registry), not both");
    }
    m.allowOnly(SettingsReader.MODEL_KEYS);
    m.allowOnly(MODEL_KEYS);
    ModelSource.Kind kind = m.has("checkpoints") ? ModelSource.Kind.SERIES : ModelSource.Kind.REGISTRY;
    List<InputSpec> several = m.has("inputs") ? InputsReader.inputs(m, 1) : null;
    long[] shape = several != null ? several.get(0).shape() : m.has("input_shape") ? shape(m) : null;
    List<ModelSource.Pattern> patterns = new ArrayList<>();
    for (ConfigNode element : m.elements(kind.key())) {
      if (several != null && element.isMapping() && element.has("input_shape")) {
        throw element.error("input_shape", "an entry's own input_shape is one input; with model.inputs every file takes"
            + " the declared inputs (drop it, or give the entry a grid of its own)");
      }
      patterns.add(pattern(element, kind, shape));
    }
    String baseline = m.string("baseline", null);
    if (baseline != null && kind == ModelSource.Kind.REGISTRY) {
      throw m.error("baseline", "a registry (model.files) has no baseline: each model is timed against its own controls;"
          + " use model.checkpoints for a series");
    }
    if (baseline != null && baseline.isBlank()) {
      throw m.error("baseline", "expected a path, found an empty string");
    }
    if (several != null && several.size() > 1) {
      return ModelSource.declared(kind, patterns, several, baseline);
    }
    // One input declared either way is the same source, with the same run ids.
    InputValues values = several != null ? several.get(0).values() : InputsReader.values(m, "input_dtype", "input_range");
    return ModelSource.declared(kind, patterns, shape, values, baseline);
  }

  private static ModelSource.Pattern pattern(ConfigNode element, ModelSource.Kind kind, long[] shape) {
    if (element.isMapping() && kind == ModelSource.Kind.REGISTRY) {
      element.allowOnly(Set.of("path", "input_shape"));
      String path = element.string("path", null);
      if (path == null || path.isBlank()) {
        throw element.error("path", "missing required key (a path or glob)");
      }
      return new ModelSource.Pattern(path, element.has("input_shape") ? shape(element) : needShape(element, shape));
    }
    String glob = element.text();
    if (glob == null) {
      throw element.error("", "expected a path or glob" + (kind == ModelSource.Kind.REGISTRY ? ", or {path, input_shape}" : ""));
    }
    needShape(element, shape);
    return new ModelSource.Pattern(glob, null);
  }

  private static long[] needShape(ConfigNode element, long[] shape) {
    if (shape == null) {
      throw element.error("", "model.input_shape is missing (one sample's shape without the batch dimension, e.g. [20])");
    }
    return null;
  }

  private static long[] shape(ConfigNode node) {
    return node.sizes("input_shape", SettingsReader.MAX_ARRAY).stream().mapToLong(Long::longValue).toArray();
  }
}
