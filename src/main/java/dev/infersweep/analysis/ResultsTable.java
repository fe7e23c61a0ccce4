package dev.infersweep.analysis;

import dev.infersweep.error.ConfigException;
import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The results under a folder as a DataFrame and as the view {@code trials}. */
public final class ResultsTable {
  public static final String VIEW = "trials";

  private ResultsTable() {}

  /**
   * Reads every sweep under {@code dir}: a results root, a {@code sweep_date=} folder or a single
   * {@code sweep_id=} folder (partition columns are recovered in each case).
   */
  public static Dataset<Row> read(SparkSession spark, String dir) {
    Path path = qualified(spark, dir);
    Path base = root(path);
    Dataset<Row> rows;
    try {
      rows =
          spark.read().option("basePath", base.toString()).schema(ResultSchema.SCHEMA).parquet(path.toString());
    } catch (RuntimeException e) {
      throw new ConfigException("--results " + dir + ": cannot read results: " + firstLine(e), e);
    }
    rows.createOrReplaceTempView(VIEW);
    return rows;
  }

  /** The results root of {@code dir} (itself, or above its sweep_date=/sweep_id= folders). */
  public static String root(SparkSession spark, String dir) {
    return root(qualified(spark, dir)).toString();
  }

  private static Path root(Path path) {
    Path base = path;
    while (base.getParent() != null && isPartition(base.getName())) {
      base = base.getParent();
    }
    return base;
  }

  private static Path qualified(SparkSession spark, String dir) {
    Path path = new Path(dir);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new ConfigException("--results " + dir + ": no such folder");
      }
      return fs.makeQualified(path);
    } catch (IOException e) {
      throw new ConfigException("--results " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean isPartition(String name) {
    return name.startsWith(ResultSchema.SWEEP_DATE + "=") || name.startsWith(ResultSchema.SWEEP_ID + "=");
  }

  static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
  }
}
