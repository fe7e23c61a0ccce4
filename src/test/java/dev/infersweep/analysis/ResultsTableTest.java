package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.spark.Sessions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps written before networks were declared read the columns that came later as they were then. */
class ResultsTableTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = Sessions.create("infersweep-test", "local[1]", Map.of("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void anEarlierSweepReadsTheArticlesNetworkFullBatch() {
    // The columns such a sweep has: no steps, network, loss, batch or data kind.
    StructType old = new StructType()
        .add("run_id", DataTypes.StringType)
        .add("epochs", DataTypes.IntegerType)
        .add("input_size", DataTypes.IntegerType)
        .add("hidden_size", DataTypes.IntegerType)
        .add("output_size", DataTypes.IntegerType)
        .add("train_samples", DataTypes.IntegerType);
    List<Row> rows = List.of(RowFactory.create("a", 0, 10, 50, 2, 1000), RowFactory.create("a", 500, 10, 50, 2, 1000));
    Path folder = tmp.resolve("r").resolve("sweep_date=2026-11-01").resolve("sweep_id=old");
    spark.createDataFrame(rows, old).write().parquet(folder.toString());
    List<Row> read = ResultsTable.read(spark, tmp.resolve("r").toString())
        .select("epochs", "steps", "network", "depth", "loss", "data_kind", "data_fresh", "train_batch_size", "momentum")
        .orderBy("epochs").collectAsList();
    assertThat(read.get(1).<Long>getAs("steps")).isEqualTo(500L);
    assertThat(read.get(1).<String>getAs("network")).isEqualTo("10→50 relu→2, cross_entropy");
    assertThat(read.get(1).<Integer>getAs("depth")).isEqualTo(2);
    assertThat(read.get(1).<String>getAs("loss")).isEqualTo("cross_entropy");
    assertThat(read.get(1).<String>getAs("data_kind")).isEqualTo("normal");
    assertThat(read.get(1).<Boolean>getAs("data_fresh")).isFalse();
    assertThat(read.get(1).<Integer>getAs("train_batch_size")).isEqualTo(1000);
    assertThat(read.get(1).<Double>getAs("momentum")).isZero();
  }
}
