package dev.infersweep.spark;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Hands {@link RowFile}'s rows to Parquet as Spark's own {@code ParquetWriteSupport} does: a null
 * value is an absent field; an array is its {@code LIST} group, holding one {@code list} group per
 * element (none for an empty array) with the element in it unless the element is null; a struct is
 * a group of its non-null fields. An array value is a {@code java.util.List} or a
 * {@code scala.collection.Seq} (what Spark reads back), a struct value a {@link Row} of its fields
 * in order. The types are the ones {@link RowFile#parquetType} accepts.
 */
final class RowWriteSupport extends WriteSupport<Row> {
  private static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";
  private static final String SPARK_VERSION_KEY = "org.apache.spark.version";

  private final StructType file;
  private final MessageType message;
  /** For each file column, its position in the rows (which also hold the partition columns). */
  private final int[] source;
  private RecordConsumer out;

  /**
   * @param schema the rows' columns
   * @param file the file's columns, {@link RowFile#fileSchema} of {@code schema}
   * @param message their Parquet schema, {@link RowFile#messageType} of {@code file}
   */
  RowWriteSupport(StructType schema, StructType file, MessageType message) {
    this.file = file;
    this.message = message;
    this.source = new int[file.size()];
    for (int i = 0; i < source.length; i++) {
      source[i] = schema.fieldIndex(file.fields()[i].name());
    }
  }

  @Override
  public WriteContext init(Configuration configuration) {
    Map<String, String> footer = new HashMap<>();
    footer.put(SPARK_SCHEMA_KEY, file.json());
    footer.put(SPARK_VERSION_KEY, org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return new WriteContext(message, footer);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    out = recordConsumer;
  }

  @Override
  public void write(Row row) {
    out.startMessage();
    writeFields(file.fields(), i -> row.get(source[i]));
    out.endMessage();
  }

  /** The non-null values of a row's or a struct's {@code fields}, each as its field. */
  private void writeFields(StructField[] fields, IntFunction<Object> values) {
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      Object value = values.apply(i);
      if (value == null) {
        if (!f.nullable()) {
          throw new IllegalArgumentException("'" + f.name() + "' is not nullable, yet a row holds null there");
        }
        continue;
      }
      out.startField(f.name(), i);
      writeValue(f.name(), f.dataType(), value);
      out.endField(f.name(), i);
    }
  }

  private void writeValue(String name, DataType type, Object value) {
    if (type instanceof ArrayType array) {
      writeList(name, array, elements(name, value));
    } else if (type instanceof StructType struct) {
      Row row = (Row) value;
      out.startGroup();
      writeFields(struct.fields(), row::get);
      out.endGroup();
    } else if (type.equals(DataTypes.StringType)) {
      out.addBinary(Binary.fromString((String) value));
    } else if (type.equals(DataTypes.IntegerType)) {
      out.addInteger((Integer) value);
    } else if (type.equals(DataTypes.LongType)) {
      out.addLong((Long) value);
    } else if (type.equals(DataTypes.DoubleType)) {
      out.addDouble((Double) value);
    } else if (type.equals(DataTypes.BooleanType)) {
      out.addBoolean((Boolean) value);
    } else if (type.equals(DataTypes.TimestampType)) {
      out.addLong(micros(value));
    } else {
      throw new IllegalStateException("'" + name + "' has type " + type + ", which RowFile.parquetType refuses");
    }
  }

  /** {@code group NAME (LIST) { repeated group list { element } }}, as Spark writes it. */
  private void writeList(String name, ArrayType type, List<?> elements) {
    out.startGroup();
    if (!elements.isEmpty()) {
      out.startField("list", 0);
      for (Object element : elements) {
        out.startGroup();
        if (element != null) {
          out.startField("element", 0);
          writeValue(name, type.elementType(), element);
          out.endField("element", 0);
        } else if (!type.containsNull()) {
          throw new IllegalArgumentException("'" + name + "' holds no null elements, yet a row has one");
        }
        out.endGroup();
      }
      out.endField("list", 0);
    }
    out.endGroup();
  }

  /** An array value's elements: a {@code java.util.List}'s, or a {@code scala.collection.Seq}'s. */
  static List<?> elements(String name, Object value) {
    if (value instanceof List<?> list) {
      return list;
    } else if (value instanceof scala.collection.Seq<?> seq) {
      List<Object> list = new ArrayList<>(seq.length());
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        list.add(it.next());
      }
      return list;
    }
    throw new IllegalArgumentException(
        "'" + name + "' is an array, yet a row holds a " + value.getClass().getName() + " there");
  }

  /** Microseconds since the epoch, as Spark stores a timestamp. */
  static long micros(Object value) {
    if (value instanceof Timestamp t) {
      return Math.floorDiv(t.getTime(), 1000L) * 1_000_000L + t.getNanos() / 1000;
    }
    return ChronoUnit.MICROS.between(Instant.EPOCH, (Instant) value);
  }
}
