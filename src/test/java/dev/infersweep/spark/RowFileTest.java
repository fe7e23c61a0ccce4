package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's results file is the file Spark's own writer makes of the same rows. */
class RowFileTest {
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

  /** Rows with a value of every column type, nulls in every column now and then, and timestamps to the microsecond. */
  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    StructField[] fields = ResultSchema.SCHEMA.fields();
    for (int i = 0; i < 7; i++) {
      Object[] v = new Object[fields.length];
      for (int j = 0; j < fields.length; j++) {
        DataType t = fields[j].dataType();
        if ((i + j) % 5 == 0) {
          v[j] = null;
        } else if (t.equals(DataTypes.StringType)) {
          v[j] = "r" + i + "ü" + j;
        } else if (t.equals(DataTypes.IntegerType)) {
          v[j] = i * 1000 + j - 3;
        } else if (t.equals(DataTypes.LongType)) {
          v[j] = (long) i << 40 | j;
        } else if (t.equals(DataTypes.DoubleType)) {
          v[j] = i == 3 ? Double.NaN : i * 0.1 + j;
        } else if (t.equals(DataTypes.BooleanType)) {
          v[j] = (i + j) % 2 == 0;
        } else if (t.equals(DataTypes.TimestampType)) {
          Timestamp ts = new Timestamp(1_780_000_000_000L + i * 1234L);
          ts.setNanos(ts.getNanos() + 456_000 + i * 1000);
          v[j] = ts;
        }
      }
      v[ResultSchema.SCHEMA.fieldIndex("row_id")] = "row-" + i;
      v[ResultSchema.SCHEMA.fieldIndex(ResultSchema.SWEEP_DATE)] = "2026-03-04";
      v[ResultSchema.SCHEMA.fieldIndex(ResultSchema.SWEEP_ID)] = "rf-1";
      rows.add(RowFactory.create(v));
    }
    return rows;
  }

  private static List<Path> parquetFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
  }

  private static FileMetaData footer(Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      return reader.getFooter().getFileMetaData();
    }
  }

  private static List<Row> readBack(Path root) {
    return spark.read().parquet(root.toString()).orderBy("row_id").collectAsList();
  }

  @Test
  void writesTheFileSparksWriterMakesOfTheSameRows() throws IOException {
    Path ours = tmp.resolve("ours");
    Path sparks = tmp.resolve("spark");
    RowFile.write(rows(), "2026-03-04", "rf-1", new org.apache.hadoop.fs.Path(ours.toUri()), new Configuration());
    spark.createDataFrame(rows(), ResultSchema.SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite)
        .partitionBy(ResultSchema.SWEEP_DATE, ResultSchema.SWEEP_ID).parquet(sparks.toString());

    assertThat(ours.resolve("_SUCCESS")).exists();
    List<Path> file = parquetFiles(ours);
    assertThat(file).singleElement().asString().contains("sweep_date=2026-03-04/sweep_id=rf-1/part-00000-");
    FileMetaData a = footer(file.get(0));
    FileMetaData b = footer(parquetFiles(sparks).get(0));
    assertThat(a.getSchema()).isEqualTo(b.getSchema());
    assertThat(a.getKeyValueMetaData()).containsEntry(
        "org.apache.spark.sql.parquet.row.metadata", b.getKeyValueMetaData().get("org.apache.spark.sql.parquet.row.metadata"));
    // Every value, nulls, NaN and microseconds included, reads back as Spark's own file does.
    List<Row> expected = readBack(sparks);
    assertThat(readBack(ours)).hasSize(7).isEqualTo(expected);
    // Row 1's timestamp, or row 2's where the null pattern above leaves row 1's out.
    int i = (1 + ResultSchema.SCHEMA.fieldIndex("measured_at")) % 5 == 0 ? 2 : 1;
    assertThat(expected.get(i).<Timestamp>getAs("measured_at").getNanos() % 1_000_000).isEqualTo(456_000 + i * 1000);
  }

  @Test
  void replacesWhatTheFolderHeld() throws IOException {
    Path root = tmp.resolve("again");
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root.toUri());
    RowFile.write(rows(), "2026-03-04", "rf-1", path, new Configuration());
    RowFile.write(rows().subList(0, 2), "2026-03-04", "rf-1", path, new Configuration());
    assertThat(parquetFiles(root)).hasSize(1);
    assertThat(readBack(root)).hasSize(2);
  }

  @Test
  void rejectsAColumnTypeItCannotWrite() {
    assertThatThrownBy(() -> RowFile.parquetType("tags", DataTypes.createArrayType(DataTypes.StringType)))
        .hasMessageContaining("'tags'").hasMessageContaining("cannot write");
  }
}
