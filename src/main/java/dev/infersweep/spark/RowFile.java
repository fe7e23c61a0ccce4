package dev.infersweep.spark;

import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a sweep's rows, already collected on the driver, as one Parquet file of a sweep folder,
 * the file Spark's own writer would make: the same Parquet types (strings as {@code STRING}
 * binaries, timestamps as {@code TIMESTAMP(MICROS, UTC)}), every column optional, the partition
 * columns left to the folder names, Snappy, and Spark's schema in the footer so that Spark reads the
 * columns back with exactly their types.
 *
 * <p>Why not {@code Dataset.write()}: the rows are on the driver already, and the first Spark SQL
 * write of a JVM (class loading, query planning, code generation for 90 columns, a job) took 4–6 s
 * on 2 cores, against about 1.5 s for this writer's first file; every {@code jobs/sweep run} is a
 * fresh JVM, so every sweep paid it (performance.md).
 */
final class RowFile {
  private static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";
  private static final String SPARK_VERSION_KEY = "org.apache.spark.version";

  private RowFile() {}

  /**
   * Writes {@code rows} (in {@link ResultSchema#SCHEMA}'s column order) into
   * {@code <root>/sweep_date=D/sweep_id=ID/} as one file, replacing whatever {@code root} held, and
   * marks {@code root} complete with {@code _SUCCESS} once the file is closed.
   */
  static void write(List<Row> rows, String sweepDate, String sweepId, Path root, Configuration hadoop)
      throws IOException {
    FileSystem fs = root.getFileSystem(hadoop);
    if (fs.exists(root) && !fs.delete(root, true)) {
      throw new IOException("could not clear " + root);
    }
    Path folder =
        new Path(new Path(root, ResultSchema.SWEEP_DATE + "=" + sweepDate), ResultSchema.SWEEP_ID + "=" + sweepId);
    Path file = new Path(folder, "part-00000-" + UUID.randomUUID() + ".c000.snappy.parquet");
    OutputFile out = HadoopOutputFile.fromPath(file, hadoop);
    try (ParquetWriter<Row> writer =
        new Builder(out).withConf(hadoop).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (Row row : rows) {
        writer.write(row);
      }
    }
    fs.create(new Path(root, "_SUCCESS"), true).close();
  }

  /** The file's columns: every column but the partition columns, in the results' order. */
  static StructType fileSchema() {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : ResultSchema.SCHEMA.fields()) {
      if (!f.name().equals(ResultSchema.SWEEP_DATE) && !f.name().equals(ResultSchema.SWEEP_ID)) {
        fields.add(f);
      }
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The Parquet type Spark writes for a column of {@code type}, optional as every column is. */
  static Type parquetType(String name, DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
    } else if (type.equals(DataTypes.IntegerType)) {
      return Types.optional(PrimitiveTypeName.INT32).named(name);
    } else if (type.equals(DataTypes.LongType)) {
      return Types.optional(PrimitiveTypeName.INT64).named(name);
    } else if (type.equals(DataTypes.DoubleType)) {
      return Types.optional(PrimitiveTypeName.DOUBLE).named(name);
    } else if (type.equals(DataTypes.BooleanType)) {
      return Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
    } else if (type.equals(DataTypes.TimestampType)) {
      return Types.optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
          .named(name);
    }
    throw new IllegalArgumentException("column '" + name + "' has type " + type + ", which RowFile cannot write");
  }

  /** Microseconds since the epoch, as Spark stores a timestamp. */
  static long micros(Object value) {
    if (value instanceof Timestamp t) {
      return Math.floorDiv(t.getTime(), 1000L) * 1_000_000L + t.getNanos() / 1000;
    }
    return ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) value);
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return new RowWriteSupport();
    }
  }

  /** Hands each row's values to Parquet, column by column; a null value is an absent field. */
  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final StructType schema = fileSchema();
    private final int[] source = new int[schema.size()];
    private final DataType[] types = new DataType[schema.size()];
    private RecordConsumer out;

    RowWriteSupport() {
      for (int i = 0; i < source.length; i++) {
        source[i] = ResultSchema.SCHEMA.fieldIndex(schema.fields()[i].name());
        types[i] = schema.fields()[i].dataType();
      }
    }

    @Override
    public WriteContext init(Configuration configuration) {
      List<Type> columns = new ArrayList<>();
      for (StructField f : schema.fields()) {
        columns.add(parquetType(f.name(), f.dataType()));
      }
      Map<String, String> footer = new HashMap<>();
      footer.put(SPARK_SCHEMA_KEY, schema.json());
      footer.put(SPARK_VERSION_KEY, org.apache.spark.package$.MODULE$.SPARK_VERSION());
      return new WriteContext(new MessageType("spark_schema", columns), footer);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      out = recordConsumer;
    }

    @Override
    public void write(Row row) {
      out.startMessage();
      for (int i = 0; i < source.length; i++) {
        Object value = row.get(source[i]);
        if (value == null) {
          continue;
        }
        String name = schema.fields()[i].name();
        out.startField(name, i);
        DataType type = types[i];
        if (type.equals(DataTypes.StringType)) {
          out.addBinary(Binary.fromString((String) value));
        } else if (type.equals(DataTypes.IntegerType)) {
          out.addInteger((Integer) value);
        } else if (type.equals(DataTypes.LongType)) {
          out.addLong((Long) value);
        } else if (type.equals(DataTypes.DoubleType)) {
          out.addDouble((Double) value);
        } else if (type.equals(DataTypes.BooleanType)) {
          out.addBoolean((Boolean) value);
        } else {
          out.addLong(micros(value));
        }
        out.endField(name, i);
      }
      out.endMessage();
    }
  }
}
