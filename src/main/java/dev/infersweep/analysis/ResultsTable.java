package dev.infersweep.analysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.infersweep.error.ConfigException;
import dev.infersweep.result.ResultFiles;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.spec.Ids;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
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
    List<String> sweeps = sweepFolders(spark, dir, path);
    if (sweeps.isEmpty()) {
      throw new ConfigException("results folder " + dir + ": holds no sweep (no sweep_date=/sweep_id= folders)");
    }
    Dataset<Row> rows;
    try {
      rows = ResultFiles.read(spark, base.toString(), sweeps.toArray(String[]::new));
    } catch (RuntimeException e) {
      throw new ConfigException("results folder " + dir + ": cannot read results: " + firstLine(e), e);
    }
    rows = withEarlierDefaults(rows);
    rows.createOrReplaceTempView(VIEW);
    return rows;
  }

  /**
   * Rows written before a column existed read it as null. Where its value is known by construction
   * (every earlier sweep trained the article's network, full batch, on normal synthetic data, one
   * step per epoch), it is filled in, so that old and new sweeps group and compare alike.
   */
  static Dataset<Row> withEarlierDefaults(Dataset<Row> rows) {
    Map<String, Column> known = new LinkedHashMap<>();
    known.put("steps", col("epochs").cast("bigint"));
    known.put("network", concat(col("input_size"), lit("→"), col("hidden_size"), lit(" relu→"), col("output_size"), lit(", cross_entropy")));
    known.put("depth", lit(2));
    known.put("loss", lit("cross_entropy"));
    known.put("data_kind", lit("normal"));
    known.put("data_fresh", lit(false));
    known.put("train_batch_size", col("train_samples"));
    known.put("momentum", lit(0.0));
    // Only where the row predates the columns (its network is null); all at once, so that every
    // condition reads the row as it was written.
    Map<String, Column> filled = new LinkedHashMap<>();
    known.forEach((name, value) -> filled.put(name, when(col("network").isNull(), value).otherwise(col(name))));
    rows = rows.withColumns(filled);
    // Before timing.threads every row was timed at the task's own count.
    rows = rows.withColumn("intra_op_threads", coalesce(col("intra_op_threads"), col("threads")));
    // A rigorous row written before the flush twin existed says so, rather than reading as measured.
    return rows.withColumn("flush_unavailable",
        when(col("flush_unavailable").isNull().and(col("flushed_latency_ratio").isNull()).and(col("cause").isNotNull()),
            lit("not timed: the row predates the flush-to-zero twin"))
            .otherwise(col("flush_unavailable")));
  }

  /**
   * The sweep folders under {@code path} whose sweep id is valid. A folder whose name is not a valid
   * sweep id is left out with a warning: ids become output paths and query values.
   */
  private static List<String> sweepFolders(SparkSession spark, String dir, Path path) {
    List<String> sweeps = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<Path> pending = new ArrayList<>(List.of(path));
      while (!pending.isEmpty()) {
        Path p = pending.remove(pending.size() - 1);
        String name = p.getName();
        if (name.startsWith(ResultSchema.SWEEP_ID + "=")) {
          String id = name.substring(ResultSchema.SWEEP_ID.length() + 1);
          if (Ids.isValidSweepId(id)) {
            sweeps.add(p.toString());
          } else {
            System.err.println("infersweep: warning: ignoring " + p + ": '" + id + "' is not a valid sweep id");
          }
          continue;
        }
        if (!p.equals(path) && !name.startsWith(ResultSchema.SWEEP_DATE + "=")) {
          continue;
        }
        for (FileStatus child : fs.listStatus(p)) {
          if (child.isDirectory() && !child.getPath().getName().startsWith("_") && !child.getPath().getName().startsWith(".")) {
            pending.add(child.getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new ConfigException("results folder " + dir + ": " + e.getMessage(), e);
    }
    sweeps.sort(null);
    return sweeps;
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
        throw new ConfigException("results folder " + dir + ": no such folder");
      }
      return fs.makeQualified(path);
    } catch (IOException e) {
      throw new ConfigException("results folder " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean isPartition(String name) {
    return name.startsWith(ResultSchema.SWEEP_DATE + "=") || name.startsWith(ResultSchema.SWEEP_ID + "=");
  }

  static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
  }
}
