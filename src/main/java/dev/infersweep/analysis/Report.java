package dev.infersweep.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The verdict report of one sweep: computes its verdicts and effect model, collects the rest of
 * {@link ReportData}, and renders the page with {@link ReportPage}.
 */
public final class Report {
  private Report() {}

  /**
   * A sweep's page with the analyses behind it.
   *
   * @param html the self-contained page
   */
  public record Page(String html, List<Verdict> verdicts, List<EffectModel.Effect> effects) {}

  /** Computes the verdicts and the effect model of {@code sweepId} and renders its page. */
  public static Page of(SparkSession spark, String sweepId, Compare.Result compare) {
    List<Verdict> verdicts = Verdicts.of(spark, sweepId);
    List<EffectModel.Effect> effects =
        EffectModel.fit(spark.table("rigorous").where(functions.col("sweep_id").equalTo(sweepId)));
    ReportData data = ReportData.collect(spark, sweepId, verdicts, effects, compare);
    return new Page(ReportPage.render(data), verdicts, effects);
  }

  /** The claims' numbers in one list, for callers that print them. */
  public static List<String> verdictLines(List<Verdict> verdicts) {
    List<String> lines = new ArrayList<>();
    for (Verdict v : verdicts) {
      lines.add(
          String.format(
              Locale.ROOT,
              "claim %d (%s): %s, estimate %s, CI %s to %s — %s",
              v.claim(),
              v.statement(),
              v.verdict().label(),
              ReportPage.num(v.estimate()),
              ReportPage.num(v.ciLow()),
              ReportPage.num(v.ciHigh()),
              v.reason()));
    }
    return lines;
  }
}
