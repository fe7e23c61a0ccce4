package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  private static ReportData data(String reason) {
    return data(reason, List.of(), List.of());
  }

  private static ReportData data(String reason, List<ReportData.CauseRow> speedups, List<ReportData.ModelCost> registry) {
    return new ReportData(
        "s1",
        new ReportData.Summary("grid<b>", "2026-01-01", 4, 3, 1, 0, 2),
        List.of(new Verdict(1, "claim", "measure", 1.01, 0.99, 1.03, 2, Verdict.Answer.INCONCLUSIVE, reason, List.of())),
        List.of(),
        Map.of("all runs", List.of(new ReportData.RatioPoint("all", 10, 1.0, 0.99, 1.01))),
        List.of(new ReportData.Distribution("fp32 · epoch 10", List.of(1.0, 2.0, 3.0, 4.0, 5.0))),
        List.of(new ReportData.RatioPoint("rigorous", 10, 1.0, 0.9, 1.1)),
        List.of(new ReportData.EnvironmentRow("cpu", "-", "0.36.0", "2.7.1", "4.1.0", "17", 1, 1, 4)),
        List.of(new ReportData.CauseRow("cpu", "optimizer=adam, weight_decay=1.0, batch_size=64", "epoch 1000", 3, 1.19, 1.18, 1.21,
            "subnormal_arithmetic", 3, "the rescale twin: rescaled_latency_ratio 1.004"),
            new ReportData.CauseRow("cpu", "optimizer=sgd, weight_decay=1.0, batch_size=256", "epoch 1000", 3, 60.5, 58, 63,
                "subnormal_mixed", 3, "zeroing the subnormal weights", 1.004, 13.7, "subnormal weights 62 %, subnormal arithmetic 38 %", null),
            new ReportData.CauseRow("cpu", "ckpt/step-20000.pt, batch_size=16", "step 20000", 1, 14.8, 14.5, 15.1,
                "subnormal_weights", 1, "zeroing the subnormal weights: subnormal_zeroed_ratio 14.500", 1.2, 1.02, "subnormal weights 97 %", null)),
        speedups,
        registry,
        "All rows ran on one CPU model: cpu.",
        List.of("Flush denormals in the serving process: torch.set_flush_denormal(True)."),
        null);
  }

  @Test
  void escapesEveryValueItShows() {
    String html = ReportPage.render(data("<script>alert(1)</script> & more"));
    assertThat(html)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
        .contains("grid&lt;b&gt;")
        .doesNotContain("<script>alert(1)");
  }

  @Test
  void inlinesItsScriptsAndDataWithoutClosingTheScriptEarly() {
    String html = ReportPage.render(data("ok"));
    assertThat(html).doesNotContain("<script src").doesNotContain("<link");
    assertThat(html).contains("const DATA = {\"byFactor\":{\"all runs\":[[\"all\",10,1.0,0.99,1.01]]}");
    assertThat(html).contains("echarts.init").contains("chartsReady");
    // The effect table is replaced by a note when no model was fitted.
    assertThat(html).contains("Not fitted").doesNotContain("<table id=\"effects\"");
  }

  @Test
  void showsWhereItSlowsDownAndWhy() {
    String html = ReportPage.render(data("ok"));
    assertThat(html)
        .contains("Where inference slows down, and why")
        .contains("<td class=\"subnormal_arithmetic\">subnormal_arithmetic</td><td>3 of 3</td>")
        .contains("All rows ran on one CPU model: cpu.")
        .contains("<td>subnormal weights 62 %, subnormal arithmetic 38 %</td>")
        .contains("with flush-to-zero: 1.00×; with subnormal weights zeroed at export: 13.7×")
        .contains("with flush-to-zero: not measured; with subnormal weights zeroed at export: not measured")
        .contains("What to do")
        .contains("Flush denormals in the serving process: torch.set_flush_denormal(True).");
  }

  @Test
  void keepsSpeedUpsApartFromSlowdownsAndShowsRegistryModelsByTheirOwnControls() {
    String none = ReportPage.render(data("ok"));
    assertThat(none).contains("<h2>Where inference got faster</h2>").contains("id=\"no-speedup\"")
        .doesNotContain("<table id=\"speedups\"").doesNotContain("Models that pay for subnormal values");

    ReportData.CauseRow faster = new ReportData.CauseRow("cpu", "network=conv, weight_decay=5.0, batch_size=64", "epoch 30", 3,
        0.78, 0.68, 0.89, "unexplained", 3, "no control restores the speed");
    ReportData.ModelCost paying = new ReportData.ModelCost("cpu", "registry/a.pt", 1, "subnormal_weights", 1.31, 1.28, 1.34,
        1.30, 1.27, 1.33, "zero its subnormal weights: jobs/sweep repair (or flush-to-zero on every serving thread)");
    String html = ReportPage.render(data("ok", List.of(faster), List.of(paying)));
    String slowTable = table(html, "causes");
    String fastTable = table(html, "speedups");
    // The speed-up sits under its own heading, after the slowdowns, and not in their table.
    assertThat(html.indexOf("Where inference got faster")).isGreaterThan(html.indexOf("Where inference slows down"));
    assertThat(fastTable).contains("<td>0.7800</td><td>0.6800 – 0.8900</td>").contains("network&#61;conv")
        .doesNotContain("optimizer&#61;adam");
    assertThat(slowTable).doesNotContain("network&#61;conv").contains("optimizer&#61;adam")
        // A series file: by path and steps, with its own interval.
        .contains("<td>ckpt/step-20000.pt, batch_size&#61;16</td><td>step 20000</td><td>14.8000</td><td>14.5000 – 15.1000</td>");
    assertThat(html).doesNotContain("id=\"no-speedup\"");
    assertThat(table(html, "registry")).contains("<td>registry/a.pt</td><td>1</td><td class=\"subnormal_weights\">subnormal_weights</td>"
        + "<td>1.3100 (1.2800 – 1.3400)</td><td>1.3000 (1.2700 – 1.3300)</td>").contains("jobs/sweep repair");
    assertThat(html).contains("<h2>Models that pay for subnormal values</h2>");
  }

  /** The table {@code id} of the page (Mustache writes "=" as "&#61;"). */
  private static String table(String html, String id) {
    int start = html.indexOf("<table id=\"" + id + "\"");
    assertThat(start).as("table " + id).isNotNegative();
    return html.substring(start, html.indexOf("</table>", start));
  }

  @Test
  void aRowBelowOneIsASpeedUpAndEveryOtherRowASlowdown() {
    assertThat(ReportData.slower(new ReportData.CauseRow("c", "x", "epoch 1", 3, 0.97, 0.9, 1.0, "unexplained", 3, ""))).isFalse();
    assertThat(ReportData.slower(new ReportData.CauseRow("c", "x", "epoch 1", 3, 1.03, 1.0, 1.1, "unexplained", 3, ""))).isTrue();
  }
}
