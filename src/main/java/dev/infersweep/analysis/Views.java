package dev.infersweep.analysis;

import dev.infersweep.error.SweepException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The SQL views over a results folder: {@code trials} (one row per measurement); {@code measured}
 * (its ok rows), {@code rigorous} and {@code article} (those of each protocol); {@code runs} (one per
 * training run), {@code checkpoints} (one per run, checkpoint and precision) and {@code causes} (one
 * per configuration and checkpoint: the slowdown and what the control models say it is due to). The queries are
 * the files of {@code conf/sql/}, packaged into the jar; their axis lists are placeholders filled
 * from {@code spec.Axes} ({@link AxisColumns}).
 */
public final class Views {
  public static final List<String> DERIVED = List.of("measured", "rigorous", "article", "runs", "checkpoints", "causes");

  private Views() {}

  /** Registers all views over {@code resultsDir}. */
  public static void register(SparkSession spark, String resultsDir) {
    ResultsTable.read(spark, resultsDir);
    for (String view : DERIVED) {
      spark.sql(sql(view)).createOrReplaceTempView(view);
    }
  }

  /** The query of {@code conf/sql/<name>.sql}, its axis lists filled in. */
  public static String sql(String name) {
    try (InputStream in = Views.class.getResourceAsStream("/sql/" + name + ".sql")) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks sql/" + name + ".sql");
      }
      return AxisColumns.fill(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw SweepException.io("cannot read sql/" + name + ".sql: " + e.getMessage(), e);
    }
  }
}
