package dev.infersweep.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.infersweep.error.SweepException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link ReportData} as one self-contained HTML page: the Mustache template
 * {@code report/page.mustache} (HTML escaping on for every {@code {{value}}}), ECharts and
 * {@code report/charts.js} inlined, the chart series as JSON. Opens from disk with no network.
 */
public final class ReportPage {
  private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Mustache TEMPLATE = new DefaultMustacheFactory("report").compile("page.mustache");

  private ReportPage() {}

  /** The page. */
  public static String render(ReportData data) {
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("sweepId", data.sweepId());
    scope.put("summary", summary(data.summary()));
    scope.put("verdicts", verdicts(data.verdicts()));
    List<Map<String, Object>> effects = effects(data.effects());
    scope.put("effects", effects);
    scope.put("hasEffects", !effects.isEmpty());
    if (data.compare() != null) {
      scope.put("compare", compare(data.compare()));
    }
    scope.put("environments", environments(data.environments()));
    List<Map<String, Object>> causes = causes(data.causes());
    scope.put("causes", causes);
    scope.put("hasCauses", !causes.isEmpty());
    List<Map<String, Object>> speedups = causes(data.speedups());
    scope.put("speedups", speedups);
    scope.put("hasSpeedups", !speedups.isEmpty());
    List<Map<String, Object>> registry = registry(data.registry());
    scope.put("registry", registry);
    scope.put("hasRegistry", !registry.isEmpty());
    scope.put("cpuNote", data.cpuNote());
    scope.put("whatToDo", data.whatToDo());
    scope.put("hasWhatToDo", !data.whatToDo().isEmpty());
    // Inlined scripts: a "</script" inside them would end the element early.
    scope.put("echarts", resource(ECHARTS).replace("</script", "<\\/script"));
    scope.put("charts", resource("/report/charts.js").replace("</script", "<\\/script"));
    scope.put("data", json(charts(data)).replace("</", "<\\/"));
    StringWriter out = new StringWriter();
    TEMPLATE.execute(out, scope);
    return out.toString();
  }

  /** The sweep's header: its grid, date and rows by status. */
  private static Map<String, Object> summary(ReportData.Summary s) {
    return Map.of(
        "gridName", s.gridName() == null ? "?" : s.gridName(),
        "sweepDate", s.sweepDate() == null ? "" : s.sweepDate(),
        "runs", s.runs(),
        "rows", s.rows(),
        "ok", s.ok(),
        "failed", s.failed(),
        "unsupported", s.unsupported());
  }

  /** One table row per claim: its estimate, interval and verdict with the reason. */
  private static List<Map<String, Object>> verdicts(List<Verdict> list) {
    List<Map<String, Object>> verdicts = new ArrayList<>();
    for (Verdict v : list) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("claim", v.claim());
      row.put("statement", v.statement());
      row.put("measure", v.measure());
      row.put("estimate", num(v.estimate()));
      row.put("interval", Double.isNaN(v.ciLow()) ? "–" : num(v.ciLow()) + " – " + num(v.ciHigh()));
      row.put("units", v.units());
      row.put("verdict", v.verdict().label());
      row.put("reason", v.reason());
      verdicts.add(row);
    }
    return verdicts;
  }

  /** The effect model's coefficients, one table row each. */
  private static List<Map<String, Object>> effects(List<EffectModel.Effect> list) {
    List<Map<String, Object>> effects = new ArrayList<>();
    for (EffectModel.Effect e : list) {
      effects.add(
          Map.of(
              "term", e.term(),
              "estimate", num(e.estimate()),
              "stdError", num(e.stdError()),
              "pValue", num(e.pValue()),
              "interval", num(e.ciLow()) + " – " + num(e.ciHigh())));
    }
    return effects;
  }

  /** Where the rows were measured: one table row per environment. */
  private static List<Map<String, Object>> environments(List<ReportData.EnvironmentRow> list) {
    List<Map<String, Object>> environments = new ArrayList<>();
    for (ReportData.EnvironmentRow r : list) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("cpu", r.cpu());
      row.put("gpu", r.gpu());
      row.put("djl", r.djl());
      row.put("pytorch", r.pytorch());
      row.put("spark", r.spark());
      row.put("java", r.java());
      row.put("executors", r.executors());
      row.put("hosts", r.hosts());
      row.put("rows", r.rows());
      environments.add(row);
    }
    return environments;
  }

  /** Where inference slowed down and why: one table row per configuration and checkpoint. */
  private static List<Map<String, Object>> causes(List<ReportData.CauseRow> list) {
    List<Map<String, Object>> causes = new ArrayList<>();
    for (ReportData.CauseRow c : list) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("cpu", c.cpu());
      row.put("configuration", c.configuration());
      row.put("checkpoint", c.checkpoint());
      row.put("ratio", num(c.ratio()));
      row.put("range", num(c.min()) + " – " + num(c.max()));
      row.put("cause", c.cause());
      row.put("runs", c.causeRuns() + " of " + c.runs());
      row.put("shownBy", c.shownBy());
      row.put("remedies", c.remedies());
      row.put("shares", c.shares() == null ? "" : c.shares());
      causes.add(row);
    }
    return causes;
  }

  /** Registry models that pay for subnormal values: one table row per model and batch size. */
  private static List<Map<String, Object>> registry(List<ReportData.ModelCost> list) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ReportData.ModelCost m : list) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("cpu", m.cpu());
      row.put("path", m.path());
      row.put("batchSize", m.batchSize());
      row.put("cause", m.cause());
      row.put("zeroed", interval(m.zeroed(), m.zeroedLow(), m.zeroedHigh()));
      row.put("flushed", interval(m.flushed(), m.flushedLow(), m.flushedHigh()));
      row.put("remedy", m.remedy());
      rows.add(row);
    }
    return rows;
  }

  private static String interval(Double v, Double low, Double high) {
    return v == null ? "not timed" : num(v) + " (" + (low == null ? "–" : num(low)) + " – " + (high == null ? "–" : num(high)) + ")";
  }

  private static Map<String, Object> compare(Compare.Result c) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Compare.RatioChange x : c.ratios().subList(0, Math.min(200, c.ratios().size()))) {
      String verdict = x.regression() ? "REGRESSED" : x.improvement() ? "improved" : "ok";
      rows.add(
          Map.of(
              "verdict", verdict,
              "ratio", num(x.change()),
              "interval", num(x.ciLow()) + " – " + num(x.ciHigh()),
              "replicates", x.baselineReplicates() + " / " + x.candidateReplicates() + ", adj. p " + String.format(Locale.ROOT, "%.3g", x.adjustedP()),
              "configuration", x.configuration()));
    }
    Compare.Shift s = c.shift();
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("candidate", c.candidate());
    scope.put("baseline", c.baseline());
    scope.put("configurations", c.family());
    scope.put("regressions", c.regressions());
    scope.put("limit", num(1 + c.ratioThreshold()));
    scope.put(
        "shift",
        "global shift of absolute latency " + num(s.change()) + " (" + num(s.ciLow()) + " – " + num(s.ciHigh()) + " over "
            + s.configurations() + " configurations): "
            + (s.note() != null ? s.note() : (s.regression() ? "REGRESSED" : "ok") + ", history explains up to " + num(s.limit())));
    scope.put("rows", rows);
    return scope;
  }

  /** The chart series in the shape charts.js reads: rows as arrays. */
  private static Map<String, Object> charts(ReportData data) {
    Map<String, Object> byFactor = new LinkedHashMap<>();
    data.byFactor().forEach((factor, points) -> byFactor.put(factor, points.stream().map(ReportPage::array).toList()));
    Map<String, Object> charts = new LinkedHashMap<>();
    charts.put("byFactor", byFactor);
    charts.put("distributions", data.distributions().stream().map(d -> List.of(d.cell(), d.quartilesNanos())).toList());
    charts.put("protocols", data.protocols().stream().map(ReportPage::array).toList());
    return charts;
  }

  private static List<Object> array(ReportData.RatioPoint p) {
    return List.of(p.level(), p.epochs(), p.ratio(), p.low(), p.high());
  }

  private static String resource(String name) {
    try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw SweepException.io("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static String json(Object data) {
    try {
      return JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A number as the report shows it: 4 decimals, or 3 significant digits when tiny; NaN as a dash. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return Math.abs(v) >= 1e-3 || v == 0 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
