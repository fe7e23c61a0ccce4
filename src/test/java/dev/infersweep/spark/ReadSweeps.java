package dev.infersweep.spark;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A read-source sweep run in-process into one results folder, what it printed kept, and its rows read
 * back: what the read-source tests of both engines share.
 */
final class ReadSweeps {
  private final SparkSession spark;
  private final Path out;
  private final StringBuilder console = new StringBuilder();

  ReadSweeps(SparkSession spark, Path out) {
    this.spark = spark;
    this.out = out;
  }

  /** Runs the grid {@code yaml} as sweep {@code id}. */
  SweepJob.Summary sweep(String id, String yaml) {
    GridConfig grid = GridLoader.parse(id + ".yaml", id, yaml);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    SweepJob.Summary summary = SweepJob.run(spark, new SweepJob.Request(grid, out.toString(), id, "2026-12-04", false),
        new PrintStream(buffer, true, StandardCharsets.UTF_8));
    console.append(buffer.toString(StandardCharsets.UTF_8));
    return summary;
  }

  /** Everything the sweeps printed so far. */
  String console() {
    return console.toString();
  }

  /** Sweep {@code id}'s rows, by model path and batch size. */
  List<Row> rows(String id) {
    return spark.read().parquet(out.toString()).where("sweep_id = '" + id + "'")
        .orderBy("model_path", "batch_size").collectAsList();
  }
}
