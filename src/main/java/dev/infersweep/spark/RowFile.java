package dev.infersweep.spark;

import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a sweep's rows, already collected on the driver, as one Parquet file of a sweep folder,
 * the file Spark's own writer would make (with {@code spark.sql.parquet.writeLegacyFormat=false},
 * the default): the same Parquet types, Snappy, the partition columns left to the folder names, and
 * Spark's schema in the footer so that Spark reads the columns back with exactly their types.
 *
 * <p>The columns it writes, as Spark does: strings as {@code STRING} binaries; integers, longs,
 * doubles and booleans as {@code INT32}, {@code INT64}, {@code DOUBLE} and {@code BOOLEAN};
 * timestamps as {@code INT64 TIMESTAMP(MICROS, UTC)}; and an array of structs of those types in the
 * standard three-level {@code LIST} encoding, {@code group NAME (LIST) { repeated group list {
 * group element { ... } } }}. A nullable column, element or struct field is {@code optional}, any
 * other {@code required} (every results column is nullable). Any other type is refused, the column
 * named, before the folder is touched. How values are handed to Parquet: {@link RowWriteSupport}.
 *
 * <p>Why not {@code Dataset.write()}: the rows are on the driver already, and the first Spark SQL
 * write of a JVM (class loading, query planning, code generation for 90 columns, a job) took 4–6 s
 * on 2 cores, against about 1.5 s for this writer's first file; every {@code jobs/sweep run} is a
 * fresh JVM, so every sweep paid it (performance.md).
 */
final class RowFile {
  private RowFile() {}

  /** {@link #write(List, StructType, String, String, Path, Configuration)} of the results table. */
  static void write(List<Row> rows, String sweepDate, String sweepId, Path root, Configuration hadoop)
      throws IOException {
    write(rows, ResultSchema.SCHEMA, sweepDate, sweepId, root, hadoop);
  }

  /**
   * Writes {@code rows} (values in {@code schema}'s column order, the partition columns
   * {@code sweep_date} and {@code sweep_id} among them) into {@code <root>/sweep_date=D/sweep_id=ID/}
   * as one file, replacing whatever {@code root} held, and marks {@code root} complete with
   * {@code _SUCCESS} once the file is closed.
   *
   * @throws IllegalArgumentException if a column's type is one this writer cannot write (before
   *     {@code root} is touched), or a row holds null where the schema allows none
   */
  static void write(
      List<Row> rows, StructType schema, String sweepDate, String sweepId, Path root, Configuration hadoop)
      throws IOException {
    StructType file = fileSchema(schema);
    MessageType message = messageType(file);
    FileSystem fs = root.getFileSystem(hadoop);
    if (fs.exists(root) && !fs.delete(root, true)) {
      throw new IOException("could not clear " + root);
    }
    Path folder =
        new Path(new Path(root, ResultSchema.SWEEP_DATE + "=" + sweepDate), ResultSchema.SWEEP_ID + "=" + sweepId);
    Path path = new Path(folder, "part-00000-" + UUID.randomUUID() + ".c000.snappy.parquet");
    OutputFile out = HadoopOutputFile.fromPath(path, hadoop);
    RowWriteSupport support = new RowWriteSupport(schema, file, message);
    try (ParquetWriter<Row> writer =
        new Builder(out, support).withConf(hadoop).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (Row row : rows) {
        writer.write(row);
      }
    }
    fs.create(new Path(root, "_SUCCESS"), true).close();
  }

  /** The file's columns: every column of {@code schema} but the partition columns, in its order. */
  static StructType fileSchema(StructType schema) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().equals(ResultSchema.SWEEP_DATE) && !f.name().equals(ResultSchema.SWEEP_ID)) {
        fields.add(f);
      }
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The file's Parquet schema, named as Spark names it. */
  static MessageType messageType(StructType file) {
    List<Type> columns = new ArrayList<>();
    for (StructField f : file.fields()) {
      columns.add(parquetType(f.name(), f.dataType(), f.nullable()));
    }
    return new MessageType("spark_schema", columns);
  }

  /** The Parquet type Spark writes for a nullable column of {@code type}. */
  static Type parquetType(String name, DataType type) {
    return parquetType(name, type, true);
  }

  /**
   * The Parquet type Spark writes for a column of {@code type}: a primitive, an array (of primitives,
   * structs or arrays) or a struct of any of these.
   *
   * @throws IllegalArgumentException naming the column, for any other type
   */
  static Type parquetType(String name, DataType type, boolean nullable) {
    Type parquet = convert(name, type, repetition(nullable));
    if (parquet == null) {
      throw new IllegalArgumentException("column '" + name + "' has type " + type + ", which RowFile cannot write");
    }
    return parquet;
  }

  /** {@code type} as Parquet names it; null where a part is not one RowFile writes. */
  private static Type convert(String name, DataType type, Repetition repetition) {
    if (type instanceof ArrayType array) {
      // The three-level LIST, as Spark writes it: group NAME (LIST) { repeated group list { element } }.
      Type element = convert("element", array.elementType(), repetition(array.containsNull()));
      return element == null
          ? null
          : Types.buildGroup(repetition)
              .as(LogicalTypeAnnotation.listType())
              .addField(Types.repeatedGroup().addField(element).named("list"))
              .named(name);
    }
    if (type instanceof StructType struct) {
      List<Type> fields = new ArrayList<>();
      for (StructField f : struct.fields()) {
        Type field = convert(f.name(), f.dataType(), repetition(f.nullable()));
        if (field == null) {
          return null;
        }
        fields.add(field);
      }
      // Parquet has no empty group, and Spark refuses to write an empty struct.
      return fields.isEmpty() ? null : new GroupType(repetition, name, fields);
    }
    return primitive(name, type, repetition);
  }

  /** The Parquet type of a primitive column or field; null for a type that is not one of them. */
  private static Type primitive(String name, DataType type, Repetition repetition) {
    if (type.equals(DataTypes.StringType)) {
      return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
    } else if (type.equals(DataTypes.IntegerType)) {
      return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
    } else if (type.equals(DataTypes.LongType)) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
    } else if (type.equals(DataTypes.DoubleType)) {
      return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
    } else if (type.equals(DataTypes.BooleanType)) {
      return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
    } else if (type.equals(DataTypes.TimestampType)) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
          .named(name);
    }
    return null;
  }

  private static Repetition repetition(boolean nullable) {
    return nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final RowWriteSupport support;

    Builder(OutputFile file, RowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return support;
    }
  }
}
