package dev.infersweep.grid;

import dev.infersweep.error.ConfigException;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.Protocol;
import java.util.List;
import java.util.Map;

/**
 * The axis values a TorchScript model cannot take, refused when the grid is read (before the file
 * is): precisions DJL 0.36 cannot serve it in, an activation scale (a declared network's setting:
 * the module's activations are its own), and the seed article's protocol (defined for its SimpleNet).
 */
final class ScriptedRules {
  private ScriptedRules() {}

  static void check(String file, ModelSpec model, Map<Axis<?>, List<?>> values) {
    if (!(model instanceof ScriptedModel)) {
      return;
    }
    for (Object p : values.get(Axes.PRECISION)) {
      String reason = ((Precision) p).torchScriptUnservableReason();
      if (reason != null) {
        throw refused(file, Axes.PRECISION, ((Precision) p).label(), reason);
      }
    }
    for (Object scale : values.get(Axes.ACTIVATION_SCALE)) {
      if ((Double) scale != 1.0) {
        throw refused(file, Axes.ACTIVATION_SCALE, scale.toString(),
            "a TorchScript module's activations are its own; the scale applies to declared networks only (drop the key)");
      }
    }
    if (values.get(Axes.PROTOCOL).contains(Protocol.SEED)) {
      throw refused(file, Axes.PROTOCOL, Protocol.SEED.label(),
          "the seed article's protocol is defined for its declared network; a TorchScript model is timed with the rigorous one");
    }
  }

  /**
   * {@code train.save_checkpoints}: each checkpoint of a TorchScript run written as a TorchScript file
   * (its whole state); refused for a declared network, whose checkpoints are not modules.
   */
  static boolean saveCheckpoints(ConfigNode train, ModelSpec model) {
    boolean save = train.flag("save_checkpoints", false);
    if (save && !(model instanceof dev.infersweep.net.ScriptedModel)) {
      throw train.error("save_checkpoints", "checkpoints are saved as TorchScript files for model.torchscript runs only;"
          + " a declared network has no module to save");
    }
    return save;
  }

  private static ConfigException refused(String file, Axis<?> axis, String value, String reason) {
    return new ConfigException(file + ": " + axis.yamlKey() + ": " + value + " with model.torchscript: " + reason);
  }
}
