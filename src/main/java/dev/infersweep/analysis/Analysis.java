package dev.infersweep.analysis;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes analysis outputs as Parquet next to the sweeps, under {@code <results>/_analysis/} (a
 * {@code _} folder, so readers of the results ignore it): {@code verdicts/sweep_id=ID} (one row per
 * claim), {@code verdicts_by_configuration/sweep_id=ID} (one per claim and configuration),
 * {@code effects/sweep_id=ID} and {@code compare/candidate=C/baseline=B}.
 */
public final class Analysis {
  private Analysis() {}

  public static String saveVerdicts(SparkSession spark, String root, String sweepId, List<Verdict> verdicts) {
    StructType schema =
        new StructType()
            .add("claim", "int").add("statement", "string").add("measure", "string").add("estimate", "double")
            .add("ci_low", "double").add("ci_high", "double").add("runs", "int").add("verdict", "string")
            .add("reason", "string");
    StructType byConfiguration =
        new StructType()
            .add("claim", "int").add("configuration", "string").add("estimate", "double").add("ci_low", "double")
            .add("ci_high", "double").add("runs", "int").add("verdict", "string");
    List<Object[]> rows = new java.util.ArrayList<>();
    for (Verdict v : verdicts) {
      for (Verdict.ByConfiguration c : v.configurations()) {
        rows.add(new Object[] {v.claim(), c.configuration(), c.estimate(), c.ciLow(), c.ciHigh(), c.units(), c.verdict().label()});
      }
    }
    write(spark, root + "/_analysis/verdicts_by_configuration/sweep_id=" + sweepId, rows, byConfiguration, r -> r);
    return write(spark, root + "/_analysis/verdicts/sweep_id=" + sweepId, verdicts, schema,
        v -> new Object[] {v.claim(), v.statement(), v.measure(), v.estimate(), v.ciLow(), v.ciHigh(), v.units(), v.verdict().label(), v.reason()});
  }

  public static String saveEffects(SparkSession spark, String root, String sweepId, List<EffectModel.Effect> effects) {
    StructType schema =
        new StructType()
            .add("term", "string").add("estimate", "double").add("std_error", "double").add("p_value", "double")
            .add("ci_low", "double").add("ci_high", "double");
    return write(spark, root + "/_analysis/effects/sweep_id=" + sweepId, effects, schema,
        e -> new Object[] {e.term(), e.estimate(), e.stdError(), e.pValue(), e.ciLow(), e.ciHigh()});
  }

  public static String saveComparison(SparkSession spark, String root, Compare.Result result) {
    StructType schema =
        new StructType()
            .add("kind", "string").add("configuration", "string").add("ratio", "double").add("ci_low", "double")
            .add("ci_high", "double").add("p_value", "double").add("adjusted_p", "double")
            .add("baseline_replicates", "int").add("candidate_replicates", "int").add("regression", "boolean")
            .add("threshold", "double").add("family", "int").add("note", "string");
    List<Object[]> rows = new java.util.ArrayList<>();
    for (Compare.RatioChange c : result.ratios()) {
      rows.add(new Object[] {"ratio", c.configuration(), c.change(), c.ciLow(), c.ciHigh(), c.pValue(), c.adjustedP(),
        c.baselineReplicates(), c.candidateReplicates(), c.regression(), result.ratioThreshold(), result.family(), null});
    }
    Compare.Shift s = result.shift();
    rows.add(new Object[] {"global_shift", "all configurations", s.change(), s.ciLow(), s.ciHigh(), null, null, null, null,
      s.regression(), result.absoluteThreshold(), s.configurations(), s.note()});
    for (Compare.AbsoluteChange a : result.absolutes()) {
      rows.add(new Object[] {"absolute", a.configuration(), a.change(), null, a.limit(), null, null, null, null,
        a.regression(), result.absoluteThreshold(), result.absolutes().size(), null});
    }
    return write(spark, root + "/_analysis/compare/candidate=" + result.candidate() + "/baseline=" + result.baseline(),
        rows, schema, r -> r);
  }

  private static <T> String write(
      SparkSession spark, String path, List<T> items, StructType schema, Function<T, Object[]> values) {
    List<Row> rows = items.stream().map(i -> RowFactory.create(values.apply(i))).toList();
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
    return path;
  }
}
