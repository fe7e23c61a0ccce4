package dev.infersweep.result;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one reader of written results: the Parquet files of sweep folders as rows of
 * {@link ResultSchema#SCHEMA}. Only {@code *.parquet} files are read (a stray notes.txt or the
 * manifest in a sweep folder is not a row), and the partition columns ({@code sweep_date},
 * {@code sweep_id}) are recovered from the folder names below {@code basePath}. {@code
 * analysis.ResultsTable} reads every sweep under a results folder with it, {@code spark.SweepJob}
 * the sweep it resumes.
 */
public final class ResultFiles {
  private ResultFiles() {}

  /** The rows of {@code sweepFolders}, each a {@code sweep_id=} folder below {@code basePath}. */
  public static Dataset<Row> read(SparkSession spark, String basePath, String... sweepFolders) {
    return spark.read()
        .option("basePath", basePath)
        .option("pathGlobFilter", "*.parquet")
        .schema(ResultSchema.SCHEMA)
        .parquet(sweepFolders);
  }
}
