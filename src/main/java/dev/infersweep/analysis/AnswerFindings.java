package dev.infersweep.analysis;

import static dev.infersweep.analysis.AnswerRows.get;
import static dev.infersweep.analysis.AnswerRows.number;
import static dev.infersweep.analysis.AnswerRows.text;

import dev.infersweep.analysis.AnswerRows.Ratio;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * What {@link Answer} finds beyond the band in one sweep's rigorous ok rows: trained configurations
 * (pooled over seeds at their last checkpoint, per batch size), files of a checkpoint series (one per
 * file and batch size) and models of a registry (their own zeroed copy and flush twin).
 */
final class AnswerFindings {
  private static final Pattern SHAPE = Pattern.compile("\\[([0-9, ]+)]");

  private AnswerFindings() {}

  /** What a finding is. */
  enum Kind { SLOWER, SUBNORMAL, FASTER }

  /**
   * One thing beyond the band.
   *
   * @param figure the latency ratio, or for {@link Kind#SUBNORMAL} the cost (model / zeroed or model / flushed)
   * @param cause the cause's words
   */
  record Finding(Kind kind, String subject, Ratio figure, String cause, String remedy) {
    String line() {
      String runs = figure.runs() > 1 ? ", " + figure.runs() + " runs" : "";
      String head = switch (kind) {
        case SLOWER -> "slower " + x(figure.ratio());
        case FASTER -> "faster " + x(figure.ratio());
        case SUBNORMAL -> "slowed by " + cause + " " + x(figure.ratio());
      };
      String why = kind == Kind.SUBNORMAL ? "" : "; cause " + cause;
      return head + " (" + num(figure.ciLow()) + "–" + num(figure.ciHigh()) + runs + "): " + subject + why
          + (remedy == null ? "" : "; remedy: " + remedy);
    }
  }

  /**
   * The findings and how many units were judged.
   *
   * @param judged configurations × batch sizes, or model files × batch sizes, that had a figure to judge
   */
  record Judged(int judged, List<Finding> findings) {}

  /** Every finding of {@code rows} (rigorous, ok), slower first (largest first), then subnormal costs, then faster. */
  static Judged of(List<Row> rows, double band) {
    List<Row> trained = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    int judged = 0;
    for (Row r : rows) {
      String source = text(r, "model_source");
      if (source == null) {
        Number epochs = get(r, "epochs");
        if (epochs != null && epochs.intValue() > 0 && number(r, "latency_ratio") != null) {
          trained.add(r);
        }
      } else if (source.equals("files")) {
        judged++;
        addNotNull(findings, registry(r, band));
      } else if (AnswerRows.of(r, "latency_ratio") != null) {
        judged++;
        Ratio ratio = AnswerRows.of(r, "latency_ratio");
        String subject = text(r, "model_path") + " (steps " + text(r, "steps") + "), batch_size=" + text(r, "batch_size");
        addNotNull(findings, judge(subject, ratio, text(r, "cause"), number(r, "flushed_latency_ratio"),
            zeroedAtExport(ratio.ratio(), number(r, "subnormal_zeroed_ratio")), repair(r), FlushAdvice.Setting.of(r), band));
      }
    }
    judged += trained(trained, band, findings);
    findings.sort(Comparator.comparing(Finding::kind)
        .thenComparing(f -> f.kind() == Kind.FASTER ? f.figure().ratio() : -f.figure().ratio()));
    return new Judged(judged, findings);
  }

  /** Adds a finding per configuration beyond the band; returns how many configurations were judged. */
  private static int trained(List<Row> rows, double band, List<Finding> findings) {
    Map<String, List<Row>> groups = new TreeMap<>();
    Map<String, TreeSet<String>> values = new LinkedHashMap<>();
    List<String> columns = new ArrayList<>(List.of("cpu_model"));
    columns.addAll(AxisColumns.CONFIGURATION);
    for (Row r : rows) {
      List<String> key = new ArrayList<>();
      for (String c : columns) {
        key.add(text(r, c));
        values.computeIfAbsent(c, k -> new TreeSet<>()).add(String.valueOf(text(r, c)));
      }
      groups.computeIfAbsent(String.join("|", key), k -> new ArrayList<>()).add(r);
    }
    for (List<Row> group : groups.values()) {
      // Each configuration at its last checkpoint: where training has gone furthest.
      int last = group.stream().mapToInt(r -> AnswerRows.<Number>get(r, "epochs").intValue()).max().orElseThrow();
      List<Row> runs = group.stream().filter(r -> AnswerRows.<Number>get(r, "epochs").intValue() == last).toList();
      Row first = runs.get(0);
      List<String> parts = new ArrayList<>();
      for (String c : columns) {
        if (values.get(c).size() > 1 || c.equals("batch_size")) {
          parts.add(c + "=" + text(first, c));
        }
      }
      parts.add("epochs=" + last);
      Ratio ratio = AnswerRows.pooled(runs);
      addNotNull(findings, judge(String.join(", ", parts), ratio, mode(runs, "cause"), geometricMean(runs, "flushed_latency_ratio"),
          zeroedAtExport(ratio.ratio(), geometricMean(runs, "subnormal_zeroed_ratio")), "zero subnormal weights at export",
          FlushAdvice.Setting.of(first), band));
    }
    return groups.size();
  }

  /** A slowdown or speed-up beyond the band, or null. */
  private static Finding judge(
      String subject, Ratio ratio, String cause, Double flushed, Double zeroed, String zeroAction, FlushAdvice.Setting setting,
      double band) {
    String why = cause == null ? "not determined" : cause;
    if (ratio.above(band)) {
      return new Finding(Kind.SLOWER, subject, ratio, why, remedy(why, flushed, zeroed, zeroAction, setting, band));
    }
    return ratio.below(band) ? new Finding(Kind.FASTER, subject, ratio, why, null) : null;
  }

  /**
   * The remedy the row's own controls show restoring the baseline's speed (at most 1 + band), flushing
   * worded for the row's engine and intra-op thread count.
   */
  static String remedy(String cause, Double flushed, Double zeroed, String zeroAction, FlushAdvice.Setting setting, double band) {
    boolean flushWorks = flushed != null && flushed <= 1 + band;
    boolean zeroWorks = zeroed != null && zeroed <= 1 + band;
    if (zeroWorks && (!flushWorks || cause.equals("subnormal_weights"))) {
      return zeroAction + " (then " + x(zeroed) + ")";
    }
    if (flushWorks) {
      return FlushAdvice.brief(setting) + " (then " + x(flushed) + ")";
    }
    if (cause.equals("placement")) {
      return "none: memory placement moves it as much (its A/A copy), not the values";
    }
    return "none shown: no control restores it (flushed " + (flushed == null ? "not measured" : x(flushed))
        + ", zeroed " + (zeroed == null ? "not measured" : x(zeroed)) + ")";
  }

  /** A registry model that would be faster beyond the band zeroed or flushed, or null. */
  private static Finding registry(Row r, double band) {
    Ratio weights = AnswerRows.of(r, "subnormal_zeroed_ratio");
    Ratio flushedVsModel = AnswerRows.of(r, "flushed_vs_trained");
    Ratio arithmetic = flushedVsModel == null ? null : flushedVsModel.inverse();
    boolean w = weights != null && weights.above(band);
    boolean a = arithmetic != null && arithmetic.above(band);
    if (!w && !a) {
      return null;
    }
    String subject = text(r, "model_path") + ", batch_size=" + text(r, "batch_size");
    String cause = text(r, "cause");
    if ("placement".equals(cause)) {
      return new Finding(Kind.SUBNORMAL, subject, w ? weights : arithmetic, "subnormal values (unsure)",
          "none yet: its A/A copy differs as much, so placement may explain it; measure again");
    }
    // Flushing also reads subnormal weights as 0 (DAZ), so it removes both costs; repair only the weights'.
    String words = w && a && arithmetic.ratio() > weights.ratio() ? "subnormal weights and arithmetic"
        : w ? "subnormal weights" : "subnormal arithmetic";
    Ratio figure = !w ? arithmetic : a && arithmetic.ratio() > weights.ratio() ? arithmetic : weights;
    String flush = FlushAdvice.brief(FlushAdvice.Setting.of(r));
    String remedy = !w ? flush
        : words.equals("subnormal weights") ? repair(r) + " (or " + flush + ")"
        : flush + " (both); " + repair(r) + " removes the weights' part";
    return new Finding(Kind.SUBNORMAL, subject, figure, words, remedy);
  }

  /** The repair command for a read model's file. */
  static String repair(Row r) {
    if (FlushAdvice.Setting.of(r).engine() == FlushAdvice.Engine.ONNXRUNTIME) {
      return "zero its subnormal initializers at export (the zeroed copy timed; jobs/sweep repair rewrites TorchScript only)";
    }
    String network = text(r, "network");
    Matcher m = network == null ? null : SHAPE.matcher(network);
    String shape = m != null && m.find() ? m.group(1).replace(" ", "") : "…";
    return "jobs/sweep repair --model " + text(r, "model_path") + " --input-shape " + shape + " --out FIXED.pt";
  }

  private static Double zeroedAtExport(double ratio, Double zeroedRatio) {
    return zeroedRatio == null ? null : ratio / zeroedRatio;
  }

  private static Double geometricMean(List<Row> rows, String column) {
    List<Double> xs = rows.stream().map(r -> number(r, column)).filter(v -> v != null && v > 0).toList();
    return xs.isEmpty() ? null : Math.exp(xs.stream().mapToDouble(Math::log).average().orElseThrow());
  }

  private static String mode(List<Row> rows, String column) {
    Map<String, Integer> counts = new TreeMap<>();
    rows.forEach(r -> counts.merge(String.valueOf(text(r, column)), 1, Integer::sum));
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  private static void addNotNull(List<Finding> findings, Finding f) {
    if (f != null) {
      findings.add(f);
    }
  }

  static String x(double v) {
    return num(v) + "×";
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
