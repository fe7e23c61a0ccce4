package dev.infersweep.grid;

import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.net.Network;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainRegime;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Ids;
import dev.infersweep.spec.TimingSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that define a sweep's rows: model, data, training and timing settings and the
 * device, and every axis' values, as text. A sweep's manifest keeps it, so that {@code --resume}
 * can tell a grid that changed from one that only gained axis values.
 *
 * @param settings every setting that is not an axis, by its YAML key
 * @param axes every axis' values, by axis name, as labels
 */
public record GridFingerprint(Map<String, String> settings, Map<String, List<String>> axes) {
  public GridFingerprint {
    settings = Map.copyOf(settings);
    axes = Map.copyOf(axes);
  }

  /** The fingerprint of {@code grid} run on {@code device}. */
  public static GridFingerprint of(GridConfig grid, DeviceKind device) {
    Map<String, String> s = new LinkedHashMap<>();
    model(s, grid.model());
    data(s, grid.data());
    TrainRegime regime = grid.regime();
    // Settings added since sweeps exist enter only when changed, so those sweeps' fingerprints stay.
    if (!regime.equals(TrainRegime.article())) {
      s.put("train.batch_size", Integer.toString(regime.batchSize()));
      s.put("train.momentum", Double.toString(regime.momentum()));
      s.put("grid.checkpoint_unit", regime.unit().label());
    }
    s.put("train.timeout_seconds", Double.toString(grid.trainTimeoutSeconds()));
    TimingSpec t = grid.timing();
    s.put("timing.warmup_iterations", Integer.toString(t.warmupIterations()));
    s.put("timing.warmup_max_seconds", Double.toString(t.warmupMaxSeconds()));
    s.put("timing.block_size", Integer.toString(t.blockSize()));
    s.put("timing.min_blocks", Integer.toString(t.minBlocks()));
    s.put("timing.target_ci", Double.toString(t.targetCi()));
    s.put("timing.max_seconds", Double.toString(t.maxSeconds()));
    s.put("timing.seed_iterations", Integer.toString(t.seedIterations()));
    s.put("timing.input_seed", Long.toString(t.inputSeed()));
    s.put("device", device.label());
    Map<String, List<String>> a = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      a.put(axis.name(), grid.axes().get(axis).stream().map(axis::label).toList());
    }
    return new GridFingerprint(s, a);
  }

  /** Integer ids' type and range; nothing for float32, so the fingerprints of earlier sweeps stay as they were. */
  private static void inputValues(Map<String, String> s, dev.infersweep.net.InputValues values) {
    if (values.integer()) {
      s.put("model.input_dtype", values.type().label());
      s.put("model.input_range", "[" + values.low() + ", " + values.high() + ")");
    }
  }

  private static void model(Map<String, String> s, ModelSpec spec) {
    if (spec instanceof ScriptedModel m) {
      s.put("model.torchscript_sha256", String.valueOf(m.sha256()));
      if (m.singleInput()) {
        s.put("model.input_shape", m.shapeText(","));
        inputValues(s, m.inputs().get(0).values());
      } else {
        s.put("model.inputs", m.inputs().toString());
      }
      s.put("model.outputs", Integer.toString(m.outputs()));
      s.put("model.loss", m.loss().label());
      // Said here so that a reader of the manifest knows what the seed axis varies for this model.
      s.put("model.initial_weights", "the file's; grid.seed sets the data order only");
      return;
    }
    if (spec instanceof ModelSource m) {
      // The source as declared: a resumed scan re-lists the files, and a changed file is a new run.
      s.put("model." + m.kind().key(), m.patterns().toString());
      if (m.inputs().size() > 1) {
        s.put("model.inputs", m.inputs().toString());
      } else {
        s.put("model.input_shape", java.util.Arrays.toString(m.inputShape()));
        inputValues(s, m.inputValues());
      }
      s.put("model.baseline", String.valueOf(m.baseline()));
      return;
    }
    Network model = (Network) spec;
    s.put("model.input", Integer.toString(model.input()));
    if (model.isArticleShape()) {
      s.put("model.hidden", Integer.toString(model.layers().get(0).units()));
      s.put("model.output", Integer.toString(model.outputs()));
    } else {
      s.put("model.layers", model.canonical());
    }
  }

  private static void data(Map<String, String> s, DataSpec data) {
    if (data instanceof DataSpec.Table t) {
      s.put("data.parquet", t.path());
      s.put("data.features", String.join(",", t.features()));
      s.put("data.label", t.label());
      s.put("data.digest", String.valueOf(t.digest()));
      return;
    }
    DataSpec.Synthetic d = (DataSpec.Synthetic) data;
    s.put("data.samples", Integer.toString(d.samples()));
    s.put("data.seed", Long.toString(d.seed()));
    if (d.distribution() != DataSpec.Distribution.NORMAL || d.fresh()) {
      s.put("data.kind", d.distribution().label());
      s.put("data.fresh", Boolean.toString(d.fresh()));
    }
  }

  /** A short hash of the whole fingerprint, stable across JVMs. */
  public String hash() {
    StringBuilder text = new StringBuilder();
    settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> text.append(e.getKey()).append('=').append(e.getValue()).append(';'));
    axes.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> text.append(e.getKey()).append('=').append(e.getValue()).append(';'));
    return Ids.of(text.toString());
  }

  /**
   * What keeps this grid from resuming a sweep made with {@code earlier}: settings that differ, and
   * axes that lost values. Empty when the grids are the same or this one only adds axis values.
   */
  public List<String> changesFrom(GridFingerprint earlier) {
    List<String> changes = new ArrayList<>();
    for (Map.Entry<String, String> e : earlier.settings().entrySet()) {
      String now = settings.get(e.getKey());
      if (!e.getValue().equals(now)) {
        changes.add(e.getKey() + " (" + e.getValue() + " → " + now + ")");
      }
    }
    for (Map.Entry<String, List<String>> e : earlier.axes().entrySet()) {
      List<String> now = axes.getOrDefault(e.getKey(), List.of());
      List<String> removed = e.getValue().stream().filter(v -> !now.contains(v)).toList();
      if (!removed.isEmpty()) {
        changes.add("grid." + e.getKey() + " (values " + removed + " removed)");
      }
    }
    return changes;
  }
}
