package dev.infersweep.analysis;

import dev.infersweep.stats.StudentT;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionTrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A linear model of the log latency ratio, fitted with Spark MLlib's
 * {@link GeneralizedLinearRegression} (Gaussian family, identity link, IRLS, so standard errors and
 * p-values come with the coefficients):
 *
 * <pre>
 *   log(latency_ratio) ~ log1p(epochs) + Σ factor + Σ log1p(epochs):factor
 * </pre>
 *
 * over the factors of a configuration ({@link AxisColumns#CONFIGURATION}: every axis but the seed,
 * epochs and the protocol; optimizer, learning_rate, weight_decay, activation_scale, precision and
 * batch_size today). Terms for a factor that the sweep does not vary are left out (they would make
 * the design matrix singular). A factor of words (optimizer, precision) enters as indicators of
 * each level but the first (alphabetical), in its main effect and in its interaction alike; the design is built by hand because RFormula keeps every
 * level of a string factor inside interactions, which makes the design singular. The interactions with log1p(epochs) are the article's claims: does the slope of latency
 * against training depend on weight decay, scaling, precision, batch size (or the optimizer)?
 */
public final class EffectModel {
  /** One coefficient with its uncertainty; {@code ciLow}/{@code ciHigh} are estimate ± {@link StudentT#Z95} SE. */
  public record Effect(String term, double estimate, double stdError, double pValue, double ciLow, double ciHigh) {}

  private static final List<String> FACTORS = AxisColumns.CONFIGURATION;

  private EffectModel() {}

  /**
   * @param rows rigorous rows with status ok: latency_ratio, epochs and the factor columns
   * @return the coefficients, the intercept last; empty when there is nothing to fit
   */
  public static List<Effect> fit(Dataset<Row> rows) {
    Dataset<Row> data =
        rows.where("latency_ratio IS NOT NULL AND latency_ratio > 0")
            .withColumn("log_ratio", functions.log(functions.col("latency_ratio")))
            .withColumn("log1p_epochs", functions.log1p(functions.col("epochs").cast("double")));
    for (String factor : FACTORS) {
      if (!AxisColumns.words(factor)) {
        data = data.withColumn(factor, functions.col(factor).cast("double"));
      }
    }
    data = data.select("log_ratio", Stream.concat(Stream.of("log1p_epochs"), FACTORS.stream()).toArray(String[]::new)).cache();
    try {
      Design design = design(data);
      long n = design.data().count();
      if (design.columns().isEmpty() || n <= design.columns().size() + 2) {
        return List.of();
      }
      return regress(design);
    } finally {
      data.unpersist();
    }
  }

  /** The design matrix's columns (displayed term names, in order) and the rows holding them. */
  private record Design(Dataset<Row> data, List<String> columns) {}

  /**
   * Numeric design columns, built by hand so that every categorical factor drops its reference
   * level in its interactions too (RFormula keeps all levels there, which is singular).
   */
  private static Design design(Dataset<Row> data) {
    List<String> columns = new ArrayList<>();
    boolean epochsVary = distinct(data, "log1p_epochs").size() > 1;
    if (epochsVary) {
      columns.add("log1p_epochs");
    }
    for (String factor : FACTORS) {
      List<String> levels = distinct(data, factor);
      if (levels.size() < 2) {
        continue;
      }
      List<String> terms = new ArrayList<>();
      if (AxisColumns.words(factor)) {
        // Reference level: the first in alphabetical order; one indicator per other level.
        for (String level : levels.subList(1, levels.size())) {
          String name = factor + "[" + level + "]";
          data = data.withColumn(internal(name), functions.when(functions.col(factor).equalTo(level), 1.0).otherwise(0.0));
          terms.add(name);
        }
      } else {
        terms.add(factor);
      }
      for (String term : terms) {
        columns.add(term);
        if (epochsVary) {
          String interaction = "log1p_epochs:" + term;
          data = data.withColumn(internal(interaction), functions.col("log1p_epochs").multiply(functions.col(internal(term))));
          columns.add(interaction);
        }
      }
    }
    return new Design(data, columns);
  }

  /** The least-squares fit of the log ratio on the design: each term's effect, the intercept last. */
  private static List<Effect> regress(Design d) {
    List<String> columns = d.columns();
    Dataset<Row> design =
        new VectorAssembler()
            .setInputCols(columns.stream().map(EffectModel::internal).toArray(String[]::new))
            .setOutputCol("features")
            .transform(d.data())
            .withColumnRenamed("log_ratio", "label");
    GeneralizedLinearRegressionModel model =
        new GeneralizedLinearRegression().setFamily("gaussian").setLink("identity").setSolver("irls").fit(design);
    GeneralizedLinearRegressionTrainingSummary summary = model.summary();
    double[] se = summary.coefficientStandardErrors();
    double[] p = summary.pValues();
    double[] coefficients = model.coefficients().toArray();
    List<Effect> effects = new ArrayList<>();
    for (int i = 0; i < coefficients.length; i++) {
      effects.add(effect(columns.get(i), coefficients[i], se[i], p[i]));
    }
    // MLlib puts the intercept's figures last.
    effects.add(effect("(intercept)", model.intercept(), se[coefficients.length], p[coefficients.length]));
    return effects;
  }

  private static Effect effect(String term, double estimate, double se, double p) {
    return new Effect(term, estimate, se, p, estimate - StudentT.Z95 * se, estimate + StudentT.Z95 * se);
  }

  private static List<String> distinct(Dataset<Row> data, String column) {
    return data.select(functions.col(column).cast("string").as("level")).distinct().collectAsList().stream()
        .map(r -> r.<String>getAs("level"))
        .sorted()
        .toList();
  }

  /** A column name safe for Spark (no brackets or colons) for a displayed term name. */
  private static String internal(String term) {
    return term.replace("[", "__").replace("]", "").replace(":", "_x_");
  }
}
