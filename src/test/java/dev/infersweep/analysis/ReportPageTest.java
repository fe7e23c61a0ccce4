package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  private static ReportData data(String reason) {
    return new ReportData(
        "s1",
        new ReportData.Summary("grid<b>", "2026-01-01", 4, 3, 1, 0, 2),
        List.of(new Verdict(1, "claim", "measure", 1.01, 0.99, 1.03, 2, Verdict.Answer.INCONCLUSIVE, reason, List.of())),
        List.of(),
        Map.of("all runs", List.of(new ReportData.RatioPoint("all", 10, 1.0, 0.99, 1.01))),
        List.of(new ReportData.Distribution("fp32 · epoch 10", List.of(1.0, 2.0, 3.0, 4.0, 5.0))),
        List.of(new ReportData.RatioPoint("rigorous", 10, 1.0, 0.9, 1.1)),
        List.of(new ReportData.EnvironmentRow("cpu", "-", "0.36.0", "2.7.1", "4.1.0", "17", 1, 1, 4)),
        List.of(new ReportData.CauseRow("cpu", "optimizer=adam, weight_decay=1.0, batch_size=64", 1000, 3, 1.19, 1.18, 1.21,
            "subnormal_arithmetic", 3, "the rescale twin: rescaled_latency_ratio 1.004"),
            new ReportData.CauseRow("cpu", "optimizer=sgd, weight_decay=1.0, batch_size=256", 1000, 3, 60.5, 58, 63,
                "subnormal_mixed", 3, "zeroing the subnormal weights", 1.004, 13.7, "subnormal weights 62 %, subnormal arithmetic 38 %", null)),
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
}
