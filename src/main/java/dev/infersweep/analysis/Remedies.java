package dev.infersweep.analysis;

import dev.infersweep.spec.Axes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The report's remedies, read off the {@code causes} view's rows of one sweep: what flushing
 * denormals and zeroing tiny weights at export would give each slowed configuration, the shares in
 * words, and the "what to do" paragraph, each advice only where the sweep's own rows show it.
 */
final class Remedies {
  private Remedies() {}

  /** The slowdown left with the subnormal weights zeroed (latency ratio over the zeroed copy's); null without both. */
  static Double zeroedAtExport(Row r) {
    Double ratio = r.getAs("latency_ratio");
    Double zeroed = r.getAs("subnormal_zeroed_ratio");
    return ratio == null || zeroed == null ? null : ratio / zeroed;
  }

  /** The mean shares of a {@code causes} row, as {@link dev.infersweep.result.Shares#describe} words them. */
  static String shares(Row r) {
    String[][] parts = {
      {"explained_by_subnormal_weights", "subnormal weights"},
      {"explained_by_subnormal_arithmetic", "subnormal arithmetic"},
      {"explained_by_placement", "placement"},
      {"unexplained_share", "unexplained"}
    };
    List<Map.Entry<String, Double>> present = new ArrayList<>();
    for (String[] p : parts) {
      Double v = r.getAs(p[0]);
      if (v != null && v >= 0.05) {
        present.add(Map.entry(p[1], v));
      }
    }
    present.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    List<String> words = new ArrayList<>();
    for (Map.Entry<String, Double> e : present) {
      words.add(e.getKey() + " " + Math.round(100 * e.getValue()) + " %");
    }
    return String.join(", ", words);
  }

  /**
   * A remedy restores epoch-0 speed when the slowdown left is at most 1 + this (the issue's ±5 %);
   * leaving the model faster than at epoch 0 restores it too.
   */
  static final double RESTORED = 0.05;

  /**
   * What to do, from the {@code causes} rows of one sweep (and a checkpoint series' rigorous rows,
   * which lack {@code beyond_band_runs}: slowed where their cause is not none): each remedy only where
   * the sweep's own rows show it, said per engine and intra-op thread count ({@link FlushAdvice}). A
   * slowed configuration is one with a run beyond the band and a ratio above 1.
   */
  static List<String> whatToDo(List<Row> causes) {
    List<Row> slowed = causes.stream().filter(Remedies::slowed).toList();
    List<String> out = new ArrayList<>();
    Map<FlushAdvice.Setting, List<Row>> bySetting = new java.util.TreeMap<>(FlushAdvice.Setting.ORDER);
    slowed.forEach(r -> bySetting.computeIfAbsent(FlushAdvice.Setting.of(r), k -> new ArrayList<>()).add(r));
    bySetting.forEach((setting, rows) -> {
      addNotNull(out, flush(setting, rows, bySetting.size() > 1));
      addNotNull(out, zero(setting, rows, bySetting.size() > 1));
    });
    List<Row> adamFixes = adamFixes(causes, slowed);
    if (!adamFixes.isEmpty()) {
      out.add(String.format(java.util.Locale.ROOT,
          "Train with AdamW (decoupled weight decay) instead of Adam with coupled L2 weight decay: in %d "
              + "configuration(s) where Adam slowed (up to %.3g×), AdamW with the same settings stayed within ±2 %%.",
          adamFixes.size(), maxRatio(adamFixes)));
    }
    return out;
  }

  private static boolean slowed(Row r) {
    Number beyond = AnswerRows.get(r, "beyond_band_runs");
    Double ratio = AnswerRows.number(r, "latency_ratio");
    boolean outside = beyond != null ? beyond.longValue() > 0
        : AnswerRows.text(r, "cause") != null && !"none".equals(AnswerRows.text(r, "cause"));
    return outside && ratio != null && ratio > 1;
  }

  /** The flush advice for one engine and thread count, where its flush twin restored the speed; else null. */
  private static String flush(FlushAdvice.Setting setting, List<Row> slowed, boolean several) {
    int n = slowed.size();
    List<Row> measured = slowed.stream().filter(r -> AnswerRows.number(r, "flushed_latency_ratio") != null).toList();
    List<Row> fixes = measured.stream().filter(r -> restored(AnswerRows.number(r, "flushed_latency_ratio"))).toList();
    if (fixes.isEmpty()) {
      return null;
    }
    return String.format(java.util.Locale.ROOT,
        "Flush denormals in the serving process (%s): %s. In %d of the %d slowed configurations%s the flush twin "
            + "brings the slowdown (up to %.3g×) back to epoch-0 speed (at most 1.05×)%s.",
        setting.words(), FlushAdvice.how(setting), fixes.size(), n, several ? " with this engine and thread count" : "",
        maxRatio(fixes), measured.size() < n ? " (" + (n - measured.size()) + " without the flush twin measured)" : "");
  }

  /** The zeroed copy's advice for one engine and thread count, where it restored the speed; else null. */
  private static String zero(FlushAdvice.Setting setting, List<Row> slowed, boolean several) {
    int n = slowed.size();
    List<Row> fixes = slowed.stream().filter(r -> {
      Double y = zeroedAtExport(r);
      return y != null && restored(y);
    }).toList();
    if (fixes.isEmpty()) {
      return null;
    }
    boolean onnx = setting.engine() == FlushAdvice.Engine.ONNXRUNTIME;
    return String.format(java.util.Locale.ROOT,
        "Zero tiny weights at export%s: set every weight whose magnitude is below the precision's smallest "
            + "normal (1.18e-38 in fp32) to 0 before serving. In %d of the %d slowed configurations%s that alone "
            + "restores epoch-0 speed (at most 1.05×, from up to %.3g×)%s.",
        several ? " (" + setting.words() + ")" : "", fixes.size(), n, several ? " with this engine and thread count" : "",
        maxRatio(fixes),
        fixes.size() < n ? "; in the others subnormal products of normal values remain, which only flushing removes" : "")
        + (onnx ? " For an ONNX file that means its initializers (the zeroed copy infersweep timed); jobs/sweep repair "
            + "rewrites TorchScript only." : repairCommand(fixes));
  }

  /** Adam with coupled decay that slowed where AdamW with the same settings did not. */
  private static List<Row> adamFixes(List<Row> causes, List<Row> slowed) {
    Map<String, Row> adamw = new LinkedHashMap<>();
    for (Row r : causes) {
      if ("adamw".equals(AnswerRows.text(r, "optimizer"))) {
        adamw.put(key(r), r);
      }
    }
    List<Row> adamFixes = new ArrayList<>();
    for (Row r : slowed) {
      Row partner = adamw.get(key(r));
      Double wd = AnswerRows.number(r, "weight_decay");
      Number partnerBeyond = partner == null ? null : AnswerRows.get(partner, "beyond_band_runs");
      if ("adam".equals(AnswerRows.text(r, "optimizer")) && wd != null && wd > 0 && partnerBeyond != null
          && partnerBeyond.longValue() == 0) {
        adamFixes.add(r);
      }
    }
    return adamFixes;
  }

  private static void addNotNull(List<String> out, String s) {
    if (s != null) {
      out.add(s);
    }
  }

  /**
   * The command that writes the zeroed copy of a TorchScript file, naming the rows' model files where
   * the rows carry them ({@code model_path}; the {@code causes} view groups by configuration, so a
   * path appears only where a view keeps it).
   */
  static String repairCommand(List<Row> rows) {
    List<String> paths = rows.stream()
        .filter(r -> java.util.Arrays.asList(r.schema().fieldNames()).contains("model_path"))
        .map(r -> r.<String>getAs("model_path"))
        .filter(java.util.Objects::nonNull)
        .distinct()
        .toList();
    String model = paths.size() == 1 ? paths.get(0) : "MODEL.pt";
    String out = paths.size() == 1 ? stripPt(model) + ".repaired.pt" : "MODEL.repaired.pt";
    return " For a TorchScript file, `jobs/sweep repair --model " + model + " --input-shape SHAPE --out " + out
        + "` writes that copy once its outputs are checked, and times it against the original"
        + (paths.size() > 1 ? " (models: " + String.join(", ", paths) + ")" : "") + ".";
  }

  private static String stripPt(String path) {
    return path.endsWith(".pt") ? path.substring(0, path.length() - 3) : path;
  }

  private static boolean restored(double ratio) {
    return ratio <= 1 + RESTORED;
  }

  private static double maxRatio(List<Row> rows) {
    return rows.stream().mapToDouble(r -> AnswerRows.number(r, "latency_ratio")).max().orElse(Double.NaN);
  }

  /** A {@code causes} row's sweep, CPU model, configuration without the optimizer, and checkpoint. */
  private static String key(Row r) {
    List<String> columns = new ArrayList<>(List.of("sweep_id", "cpu_model"));
    AxisColumns.CONFIGURATION.stream().filter(c -> !c.equals(Axes.OPTIMIZER.name())).forEach(columns::add);
    columns.add("epochs");
    return String.join("|", columns.stream().map(c -> String.valueOf(AnswerRows.text(r, c))).toList());
  }

}
