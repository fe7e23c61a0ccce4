package dev.infersweep.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The verdict report of one sweep: a single self-contained HTML page (ECharts inlined, data as
 * JSON, no network needed) with the verdict table, the effect model, latency ratio against epochs
 * by factor with interval bars, latency distributions, the article's protocol beside the rigorous
 * one, and the environment; optionally a night-to-night comparison.
 */
public final class Report {
  private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  private static final List<String> FACTORS =
      List.of("activation_scale", "weight_decay", "precision", "optimizer", "batch_size");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Report() {}

  /** A sweep's page with the analyses behind it. */
  public record Page(String html, List<Verdict> verdicts, List<EffectModel.Effect> effects) {}

  /** Computes the verdicts and the effect model of {@code sweepId} and renders its page. */
  public static Page of(SparkSession spark, String sweepId, Compare.Result compare) {
    List<Verdict> verdicts = Verdicts.of(spark, sweepId);
    List<EffectModel.Effect> effects =
        EffectModel.fit(
            spark.sql(
                "SELECT * FROM trials WHERE protocol = 'rigorous' AND status = 'ok' AND sweep_id = "
                    + Sweeps.literal(sweepId)));
    return new Page(render(spark, sweepId, verdicts, effects, compare), verdicts, effects);
  }

  /** The page for {@code sweepId} (the {@code trials} view must be registered). */
  public static String render(
      SparkSession spark,
      String sweepId,
      List<Verdict> verdicts,
      List<EffectModel.Effect> effects,
      Compare.Result compare) {
    String where = "sweep_id = " + Sweeps.literal(sweepId);
    Map<String, Object> data = new LinkedHashMap<>();
    Map<String, Object> byFactor = new LinkedHashMap<>();
    for (String factor : FACTORS) {
      List<Row> rows =
          spark
              .sql(
                  "SELECT cast(" + factor + " AS string) AS level, epochs,"
                      + " exp(avg(ln(latency_ratio))) AS r, exp(avg(ln(latency_ratio_ci_low))) AS lo,"
                      + " exp(avg(ln(latency_ratio_ci_high))) AS hi FROM trials WHERE " + where
                      + " AND protocol = 'rigorous' AND status = 'ok' GROUP BY level, epochs ORDER BY level, epochs")
              .collectAsList();
      if (rows.stream().map(r -> r.getString(0)).distinct().count() > 1) {
        byFactor.put(factor, rows.stream().map(r -> List.of(r.getString(0), r.getInt(1), r.getDouble(2), r.getDouble(3), r.getDouble(4))).toList());
      }
    }
    if (byFactor.isEmpty()) {
      // Nothing varies: still show the ratio against epochs.
      byFactor.put("all runs", spark.sql(
              "SELECT 'all' AS level, epochs, exp(avg(ln(latency_ratio))), exp(avg(ln(latency_ratio_ci_low))),"
                  + " exp(avg(ln(latency_ratio_ci_high))) FROM trials WHERE " + where
                  + " AND protocol = 'rigorous' AND status = 'ok' GROUP BY epochs ORDER BY epochs")
          .collectAsList().stream().map(r -> List.of(r.getString(0), r.getInt(1), r.getDouble(2), r.getDouble(3), r.getDouble(4))).toList());
    }
    data.put("byFactor", byFactor);
    data.put(
        "distributions",
        spark
            .sql(
                "SELECT concat(precision, ' · epoch ', epochs) AS cell,"
                    + " percentile(latency_p50_ns, array(0.0, 0.25, 0.5, 0.75, 1.0)) AS q FROM trials WHERE " + where
                    + " AND protocol = 'rigorous' AND status = 'ok' GROUP BY precision, epochs ORDER BY precision, epochs")
            .collectAsList()
            .stream()
            .map(r -> List.of(r.getString(0), r.getList(1)))
            .toList());
    data.put(
        "protocols",
        spark
            .sql(
                "SELECT protocol, epochs, exp(avg(ln(latency_ratio))), min(latency_ratio), max(latency_ratio) FROM trials WHERE "
                    + where + " AND status = 'ok' GROUP BY protocol, epochs ORDER BY protocol, epochs")
            .collectAsList()
            .stream()
            .map(r -> List.of(r.getString(0), r.getInt(1), r.getDouble(2), r.getDouble(3), r.getDouble(4)))
            .toList());
    List<Row> env =
        spark
            .sql(
                "SELECT coalesce(cpu_model, '?'), coalesce(gpu_name, '-'), coalesce(djl_version, '?'),"
                    + " coalesce(pytorch_version, '?'), coalesce(spark_version, '?'), coalesce(java_version, '?'),"
                    + " count(DISTINCT executor_id), count(DISTINCT host), count(*) FROM trials WHERE " + where
                    + " GROUP BY 1, 2, 3, 4, 5, 6")
            .collectAsList();
    Row summary =
        spark
            .sql(
                "SELECT first(grid_name), first(sweep_date), count(*), count_if(status = 'ok'), count_if(status = 'failed'),"
                    + " count_if(status = 'unsupported'), count(DISTINCT run_id) FROM trials WHERE " + where)
            .first();

    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>infersweep report: ")
        .append(esc(sweepId))
        .append("</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
        .append("th{background:#f3f3f3}.supported{color:#0a6b0a;font-weight:bold}.refuted{color:#a00;font-weight:bold}")
        .append(".inconclusive{color:#946200;font-weight:bold}.REGRESSED{color:#a00;font-weight:bold}.chart{height:360px;margin:1em 0}")
        .append("\n</style></head><body>\n");
    html.append("<h1>Does inference get slower as the network trains?</h1>\n<p>Sweep <b>")
        .append(esc(sweepId)).append("</b> of grid <b>").append(esc(summary.isNullAt(0) ? "?" : summary.getString(0)))
        .append("</b>, ").append(esc(summary.isNullAt(1) ? "" : summary.getString(1))).append(": ")
        .append(summary.getLong(6)).append(" training runs, ").append(summary.getLong(2)).append(" rows (")
        .append(summary.getLong(3)).append(" ok, ").append(summary.getLong(4)).append(" failed, ")
        .append(summary.getLong(5)).append(" unsupported). Rules: docs/analysis.md.</p>\n");

    html.append("<h2>Verdicts</h2>\n<table id=\"verdicts\"><thead><tr><th>#</th><th>claim of the article</th><th>measure</th>")
        .append("<th>estimate</th><th>95 % CI</th><th>runs</th><th>verdict</th><th>why</th></tr></thead><tbody>\n");
    for (Verdict v : verdicts) {
      html.append("<tr><td>").append(v.claim()).append("</td><td>").append(esc(v.statement())).append("</td><td>")
          .append(esc(v.measure())).append("</td><td>").append(num(v.estimate())).append("</td><td>")
          .append(Double.isNaN(v.ciLow()) ? "–" : num(v.ciLow()) + " – " + num(v.ciHigh())).append("</td><td>")
          .append(v.units()).append("</td><td class=\"").append(v.verdict()).append("\">").append(v.verdict())
          .append("</td><td>").append(esc(v.reason())).append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");

    html.append("<h2>Latency ratio (trained / epoch 0) against epochs</h2>\n<p>Rigorous protocol; points are")
        .append(" geometric means over rows, bars the mean of the rows' 95 % intervals.</p>\n")
        .append("<div id=\"factors\"></div>\n");
    html.append("<h2>Latency distributions</h2>\n<p>Median latency per row (ns), rigorous protocol: box = quartiles,")
        .append(" whiskers = min and max over runs and batch sizes.</p>\n<div id=\"distributions\" class=\"chart\"></div>\n");
    html.append("<h2>The article's protocol beside the rigorous one</h2>\n<p>Latency ratio against epochs;")
        .append(" lines are geometric means, bands the range over rows.</p>\n<div id=\"protocols\" class=\"chart\"></div>\n");

    html.append("<h2>Effect model</h2>\n");
    if (effects.isEmpty()) {
      html.append("<p>Not fitted: the sweep varies too little (or has too few rows) for a regression.</p>\n");
    } else {
      html.append("<p>Spark MLlib GLM (Gaussian, identity link) of log(latency_ratio) on log1p(epochs), the factors")
          .append(" the sweep varies and their interactions with log1p(epochs).</p>\n<table id=\"effects\"><thead><tr>")
          .append("<th>term</th><th>estimate</th><th>std. error</th><th>p-value</th><th>95 % CI</th></tr></thead><tbody>\n");
      for (EffectModel.Effect e : effects) {
        html.append("<tr><td>").append(esc(e.term())).append("</td><td>").append(num(e.estimate())).append("</td><td>")
            .append(num(e.stdError())).append("</td><td>").append(num(e.pValue())).append("</td><td>")
            .append(num(e.ciLow())).append(" – ").append(num(e.ciHigh())).append("</td></tr>\n");
      }
      html.append("</tbody></table>\n");
    }

    if (compare != null) {
      html.append("<h2>Night-to-night comparison</h2>\n<p>Candidate <b>").append(esc(compare.candidate()))
          .append("</b> against baseline <b>").append(esc(compare.baseline())).append("</b>: ")
          .append(compare.comparisons().size()).append(" configurations, ").append(compare.regressions())
          .append(" regressed (whole 95 % CI above ").append(num(1 + compare.threshold())).append(").</p>\n")
          .append("<table id=\"compare\"><thead><tr><th>verdict</th><th>ratio</th><th>95 % CI</th><th>replicates</th>")
          .append("<th>configuration</th></tr></thead><tbody>\n");
      for (Compare.Comparison c : compare.comparisons().subList(0, Math.min(200, compare.comparisons().size()))) {
        String verdict = c.regression() ? "REGRESSED" : "ok";
        html.append("<tr><td class=\"").append(verdict).append("\">").append(verdict).append("</td><td>").append(num(c.ratio()))
            .append("</td><td>").append(num(c.ciLow())).append(" – ").append(num(c.ciHigh())).append("</td><td>")
            .append(c.baselineReplicates()).append(" / ").append(c.candidateReplicates()).append("</td><td>")
            .append(esc(c.configuration())).append("</td></tr>\n");
      }
      html.append("</tbody></table>\n");
    }

    html.append("<h2>Environment</h2>\n<table id=\"environment\"><thead><tr><th>CPU</th><th>GPU</th><th>DJL</th><th>PyTorch</th>")
        .append("<th>Spark</th><th>Java</th><th>executors</th><th>hosts</th><th>rows</th></tr></thead><tbody>\n");
    for (Row r : env) {
      html.append("<tr>");
      for (int i = 0; i < 9; i++) {
        html.append("<td>").append(esc(String.valueOf(r.get(i)))).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");

    html.append("<script>\n").append(echarts().replace("</script", "<\\/script")).append("\n</script>\n");
    html.append("<script>\nconst DATA = ").append(json(data).replace("</", "<\\/")).append(";\n").append(CHARTS).append("\n</script>\n");
    html.append("</body></html>\n");
    return html.toString();
  }

  private static final String CHARTS =
      """
      function errorBars(name, points) {
        return {type: 'custom', name: name, z: 10, data: points, encode: {x: 0, y: [1, 2]},
          renderItem: function (params, api) {
            const lo = api.coord([api.value(0), api.value(1)]);
            const hi = api.coord([api.value(0), api.value(2)]);
            const style = {stroke: api.visual('color'), lineWidth: 1.5};
            return {type: 'group', children: [
              {type: 'line', shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: style},
              {type: 'line', shape: {x1: lo[0] - 4, y1: lo[1], x2: lo[0] + 4, y2: lo[1]}, style: style},
              {type: 'line', shape: {x1: hi[0] - 4, y1: hi[1], x2: hi[0] + 4, y2: hi[1]}, style: style}]};
          }};
      }
      const factors = document.getElementById('factors');
      for (const [factor, rows] of Object.entries(DATA.byFactor)) {
        const div = document.createElement('div');
        div.className = 'chart';
        factors.appendChild(div);
        const epochs = [...new Set(rows.map(r => r[1]))].sort((a, b) => a - b).map(String);
        const series = [];
        for (const level of [...new Set(rows.map(r => r[0]))]) {
          const mine = rows.filter(r => r[0] === level);
          const name = factor + ' = ' + level;
          series.push({type: 'line', name: name, data: mine.map(r => [String(r[1]), r[2]])});
          series.push(errorBars(name, mine.map(r => [String(r[1]), r[3], r[4]])));
        }
        echarts.init(div).setOption({title: {text: 'by ' + factor}, tooltip: {trigger: 'axis'}, legend: {top: 25},
          grid: {top: 70}, xAxis: {type: 'category', name: 'epochs', data: epochs},
          yAxis: {type: 'value', name: 'latency ratio', scale: true}, series: series});
      }
      const dist = DATA.distributions;
      echarts.init(document.getElementById('distributions')).setOption({tooltip: {trigger: 'item'},
        xAxis: {type: 'category', data: dist.map(d => d[0]), axisLabel: {rotate: 30}},
        yAxis: {type: 'value', name: 'p50 latency (ns)', scale: true},
        grid: {bottom: 90}, series: [{type: 'boxplot', data: dist.map(d => d[1])}]});
      const protocols = [...new Set(DATA.protocols.map(r => r[0]))];
      const pEpochs = [...new Set(DATA.protocols.map(r => r[1]))].sort((a, b) => a - b).map(String);
      const pSeries = [];
      for (const p of protocols) {
        const mine = DATA.protocols.filter(r => r[0] === p);
        pSeries.push({type: 'line', name: p, data: mine.map(r => [String(r[1]), r[2]])});
        pSeries.push(errorBars(p, mine.map(r => [String(r[1]), r[3], r[4]])));
      }
      echarts.init(document.getElementById('protocols')).setOption({tooltip: {trigger: 'axis'}, legend: {},
        xAxis: {type: 'category', name: 'epochs', data: pEpochs},
        yAxis: {type: 'value', name: 'latency ratio', scale: true}, series: pSeries});
      document.body.dataset.chartsReady = 'yes';
      """;

  private static String echarts() {
    try (InputStream in = Report.class.getResourceAsStream(ECHARTS)) {
      if (in == null) {
        throw new IllegalStateException("ECharts is missing from the class path (" + ECHARTS + ")");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read ECharts: " + e.getMessage(), e);
    }
  }

  private static String json(Object data) {
    try {
      return JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return Math.abs(v) >= 1e-3 || v == 0 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** The claims' numbers in one list, for callers that print them. */
  public static List<String> verdictLines(List<Verdict> verdicts) {
    List<String> lines = new ArrayList<>();
    for (Verdict v : verdicts) {
      lines.add(String.format(Locale.ROOT, "claim %d (%s): %s, estimate %s, CI %s to %s — %s",
          v.claim(), v.statement(), v.verdict(), num(v.estimate()), num(v.ciLow()), num(v.ciHigh()), v.reason()));
    }
    return lines;
  }
}
