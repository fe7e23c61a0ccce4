package dev.infersweep.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.spark.sql.types.StructType;
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

  /** RowFile's folder of {@code rows} at {@code root}, as sweep 2026-03-04/rf-1. */
  private static void writeOurs(List<Row> rows, StructType schema, Path root) throws IOException {
    RowFile.write(rows, schema, "2026-03-04", "rf-1", new org.apache.hadoop.fs.Path(root.toUri()), new Configuration());
  }

  /** Writes {@code rows} with RowFile to {@code ours} and with Spark to {@code sparks}; returns RowFile's file. */
  private static Path writeBoth(List<Row> rows, StructType schema, Path ours, Path sparks) throws IOException {
    writeOurs(rows, schema, ours);
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
        .partitionBy(ResultSchema.SWEEP_DATE, ResultSchema.SWEEP_ID).parquet(sparks.toString());
    assertThat(ours.resolve("_SUCCESS")).exists();
    List<Path> file = parquetFiles(ours);
    assertThat(file).singleElement().asString().contains("sweep_date=2026-03-04/sweep_id=rf-1/part-00000-");
    return file.get(0);
  }

  /** The same Parquet schema, and the same Spark schema in the footer. */
  private static void assertSameSchemas(Path ours, Path sparks) throws IOException {
    FileMetaData a = footer(ours);
    FileMetaData b = footer(sparks);
    assertThat(a.getSchema()).isEqualTo(b.getSchema());
    String key = "org.apache.spark.sql.parquet.row.metadata";
    assertThat(a.getKeyValueMetaData()).containsEntry(key, b.getKeyValueMetaData().get(key));
  }

  @Test
  void writesTheFileSparksWriterMakesOfTheSameRows() throws IOException {
    Path ours = tmp.resolve("ours");
    Path sparks = tmp.resolve("spark");
    Path file = writeBoth(rows(), ResultSchema.SCHEMA, ours, sparks);
    assertSameSchemas(file, parquetFiles(sparks).get(0));
    // Every value, nulls, NaN and microseconds included, reads back as Spark's own file does.
    List<Row> expected = readBack(sparks);
    assertThat(readBack(ours)).hasSize(7).isEqualTo(expected);
    // Row 1's timestamp, or row 2's where the null pattern above leaves row 1's out.
    int i = (1 + ResultSchema.SCHEMA.fieldIndex("measured_at")) % 5 == 0 ? 2 : 1;
    assertThat(expected.get(i).<Timestamp>getAs("measured_at").getNanos() % 1_000_000).isEqualTo(456_000 + i * 1000);
  }

  @Test
  void theOldSignatureWritesTheResultsTable() throws IOException {
    Path root = tmp.resolve("results");
    RowFile.write(rows(), "2026-03-04", "rf-1", new org.apache.hadoop.fs.Path(root.toUri()), new Configuration());
    assertThat(footer(parquetFiles(root).get(0)).getKeyValueMetaData())
        .containsEntry("org.apache.spark.sql.parquet.row.metadata", RowFile.fileSchema(ResultSchema.SCHEMA).json());
    assertThat(readBack(root)).hasSize(7);
  }

  private static final StructType LAYER =
      new StructType()
          .add("name", DataTypes.StringType)
          .add("index", DataTypes.IntegerType)
          .add("units", DataTypes.LongType)
          .add("scale", DataTypes.DoubleType)
          .add("frozen", DataTypes.BooleanType);

  /** A few flat columns (row_id not nullable), an array of structs, and the partition columns. */
  private static final StructType LAYERED =
      new StructType()
          .add("row_id", DataTypes.StringType, false)
          .add("step", DataTypes.LongType)
          .add("layers", DataTypes.createArrayType(LAYER, true))
          .add("loss", DataTypes.DoubleType)
          .add(ResultSchema.SWEEP_DATE, DataTypes.StringType)
          .add(ResultSchema.SWEEP_ID, DataTypes.StringType);

  private static Row layer(String name, Integer index, Long units, Double scale, Boolean frozen) {
    return RowFactory.create(name, index, units, scale, frozen);
  }

  private static Row layered(String rowId, Long step, List<Row> layers, Double loss) {
    return RowFactory.create(rowId, step, layers, loss, "2026-03-04", "rf-1");
  }

  /** Full layers, a null array, an empty array, a null element, null fields (all of them, and some). */
  private static List<Row> layeredRows() {
    return List.of(
        layered("a-full", 1L, List.of(layer("conv1", 0, 64L, 0.5, true), layer("fc", 1, 10L, 1.25, false)), 0.75),
        layered("b-null", 2L, null, null),
        layered("c-empty", null, List.of(), 1.5),
        layered("d-null-element", 4L,
            Arrays.asList(layer("in", 0, 8L, 1.0, false), null, layer("out", 2, 2L, Double.NaN, true)), 2.0),
        layered("e-null-fields", 5L,
            List.of(layer(null, null, null, null, null), layer("half", 1, null, null, true)), null));
  }

  @Test
  void writesAnArrayOfStructsAsSparksWriterDoes() throws IOException {
    Path ours = tmp.resolve("ours");
    Path sparks = tmp.resolve("spark");
    Path file = writeBoth(layeredRows(), LAYERED, ours, sparks);
    assertSameSchemas(file, parquetFiles(sparks).get(0));
    assertThat(footer(file).getSchema().getType("layers").toString()).isEqualToIgnoringWhitespace(
        "optional group layers (LIST) { repeated group list { optional group element {"
            + " optional binary name (STRING); optional int32 index; optional int64 units;"
            + " optional double scale; optional boolean frozen; } } }");
    List<Row> expected = readBack(sparks);
    List<Row> actual = readBack(ours);
    assertThat(actual).hasSize(5).isEqualTo(expected);
    assertThat(actual.get(1).isNullAt(actual.get(1).fieldIndex("layers"))).isTrue();
    assertThat(actual.get(2).<scala.collection.Seq<Row>>getAs("layers").isEmpty()).isTrue();
    scala.collection.Seq<Row> withNull = actual.get(3).getAs("layers");
    assertThat(withNull.length()).isEqualTo(3);
    assertThat(withNull.apply(1)).isNull();
    assertThat(withNull.apply(2).<String>getAs("name")).isEqualTo("out");
    Row allNull = actual.get(4).<scala.collection.Seq<Row>>getAs("layers").apply(0);
    assertThat(allNull).isNotNull();
    assertThat(allNull.anyNull()).isTrue();
    assertThat(allNull.toSeq().forall(v -> v == null)).isTrue();
  }

  @Test
  void writesTheRowsSparkReadsBackTheSameAgain() throws IOException {
    // Read back, an array is a scala.collection.Seq of Rows and the partition columns come last.
    Path first = tmp.resolve("first");
    writeOurs(layeredRows(), LAYERED, first);
    List<Row> read = readBack(first);
    Path again = tmp.resolve("again");
    writeOurs(read, read.get(0).schema(), again);
    assertThat(readBack(again)).isEqualTo(read);
  }

  @Test
  void duckDbUnnestsTheArrayOfStructs() throws Exception {
    Path root = tmp.resolve("duck");
    writeOurs(layeredRows(), LAYERED, root);
    String file = parquetFiles(root).get(0).toString();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement()) {
      List<String> lengths = new ArrayList<>();
      ResultSet r =
          st.executeQuery("SELECT row_id, len(layers) FROM read_parquet('" + file + "') ORDER BY row_id");
      while (r.next()) {
        lengths.add(r.getString(1) + "=" + r.getObject(2));
      }
      assertThat(lengths)
          .containsExactly("a-full=2", "b-null=null", "c-empty=0", "d-null-element=3", "e-null-fields=2");

      List<String> units = new ArrayList<>();
      r = st.executeQuery(
          "SELECT row_id, u.name, u.index, u.units, u.scale, u.frozen"
              + " FROM (SELECT row_id, unnest(layers) AS u FROM read_parquet('" + file + "'))"
              + " ORDER BY row_id, u.index NULLS LAST");
      while (r.next()) {
        units.add(r.getString(1) + ":" + r.getObject(2) + "," + r.getObject(3) + "," + r.getObject(4) + ","
            + r.getObject(5) + "," + r.getObject(6));
      }
      assertThat(units).containsExactly(
          "a-full:conv1,0,64,0.5,true",
          "a-full:fc,1,10,1.25,false",
          "d-null-element:in,0,8,1.0,false",
          "d-null-element:out,2,2,NaN,true",
          "d-null-element:null,null,null,null,null",
          "e-null-fields:half,1,null,null,true",
          "e-null-fields:null,null,null,null,null");
    }
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
    assertThatThrownBy(() -> RowFile.parquetType("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)))
        .hasMessageContaining("'tags'").hasMessageContaining("cannot write");
  }

  private static final StructType TENSOR =
      new StructType().add("name", DataTypes.StringType).add("shape", DataTypes.createArrayType(DataTypes.LongType, true));

  private static final StructType TENSORS =
      new StructType()
          .add("row_id", DataTypes.StringType, false)
          .add("tensors", DataTypes.createArrayType(TENSOR, true))
          .add(ResultSchema.SWEEP_DATE, DataTypes.StringType)
          .add(ResultSchema.SWEEP_ID, DataTypes.StringType);

  @Test
  void writesAnArrayInsideAStructAsSparksWriterDoes() throws IOException {
    List<Row> rows = List.of(
        RowFactory.create("a", List.of(RowFactory.create("conv.weight", List.of(8L, 3L, 3L, 3L)),
            RowFactory.create("fc.bias", List.of(10L))), "2026-03-04", "rf-1"),
        RowFactory.create("b", List.of(RowFactory.create("empty", List.of()), RowFactory.create(null, null),
            RowFactory.create("gap", Arrays.asList(2L, null))), "2026-03-04", "rf-1"));
    Path ours = tmp.resolve("ours");
    Path sparks = tmp.resolve("spark");
    Path file = writeBoth(rows, TENSORS, ours, sparks);
    assertSameSchemas(file, parquetFiles(sparks).get(0));
    List<Row> actual = readBack(ours);
    assertThat(actual).isEqualTo(readBack(sparks));
    Row conv = actual.get(0).<scala.collection.Seq<Row>>getAs("tensors").apply(0);
    assertThat(conv.<scala.collection.Seq<Long>>getAs("shape").mkString(",")).isEqualTo("8,3,3,3");
  }

  @Test
  void rejectsAnArrayOfStructsWithAFieldItCannotWriteBeforeTouchingTheFolder() throws IOException {
    StructType nested = new StructType().add("inner", DataTypes.createMapType(DataTypes.StringType, LAYER));
    StructType schema =
        new StructType().add("row_id", DataTypes.StringType).add("layers", DataTypes.createArrayType(nested));
    Path root = Files.createDirectories(tmp.resolve("kept"));
    Files.writeString(root.resolve("old"), "x");
    assertThatThrownBy(() -> writeOurs(List.of(), schema, root))
        .hasMessageContaining("'layers'").hasMessageContaining("cannot write");
    assertThat(root.resolve("old")).exists();
  }

  @Test
  void rejectsANullWhereTheSchemaAllowsNone() {
    List<Row> rows = List.of(layered(null, 1L, List.of(), null));
    assertThatThrownBy(() -> writeOurs(rows, LAYERED, tmp.resolve("null-id")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'row_id' is not nullable");
  }
}
