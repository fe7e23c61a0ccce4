package dev.infersweep.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.when;

import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainingSet;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A grid's training table, read once on the driver with Spark SQL, validated, and held as the
 * {@link TrainingSet} that the sweep broadcasts to its tasks (docs/configuration.md, {@code data}).
 * Executors never read the path.
 *
 * <p>Every problem is a {@link ConfigException} of one line naming the grid file, the path and what
 * is wrong, raised before any run is expanded or anything is written.
 *
 * @param spec the grid's table with its row count and content digest filled in
 * @param samples the features (in {@code data.features} order) and the label, as floats
 */
public record TrainingTable(DataSpec.Table spec, TrainingSet samples) {

  /** The grid with its table replaced by the read one, so run ids and the fingerprint hash the content. */
  public GridConfig applyTo(GridConfig grid) {
    return grid.withData(spec);
  }

  /**
   * Reads and validates the table of {@code grid}, whose {@code data} must be a
   * {@link DataSpec.Table}.
   *
   * @throws ConfigException naming the path and the problem
   */
  public static TrainingTable read(SparkSession spark, GridConfig grid) {
    DataSpec.Table table = (DataSpec.Table) grid.data();
    String where = grid.file() + ": data.parquet " + table.path() + ": ";
    checkExists(spark, table.path(), where);
    Dataset<Row> df;
    try {
      df = spark.read().parquet(table.path());
    } catch (Exception e) {
      throw new ConfigException(where + "cannot be read as Parquet (" + firstLine(e) + ")", e);
    }
    List<String> columns = new ArrayList<>(table.features());
    columns.add(table.label());
    checkColumns(df.schema(), table, where);

    ModelSpec model = grid.model();
    long rows;
    try {
      rows = df.count(); // from the Parquet footers: the size is checked before the values are scanned
    } catch (Exception e) {
      throw new ConfigException(where + "cannot be read as Parquet (" + firstLine(e) + ")", e);
    }
    if (rows == 0) {
      throw new ConfigException(where + "the table has no rows");
    }
    long values = rows > Long.MAX_VALUE / columns.size() ? Long.MAX_VALUE : rows * columns.size();
    if (rows > Integer.MAX_VALUE || values > DataSpec.Table.MAX_VALUES) {
      throw new ConfigException(
          where + String.format(Locale.ROOT,
              "%d rows × %d columns (%s + the label) = %d values, more than the limit of %d values",
              rows, columns.size(), table.features().size() == 1 ? "1 feature" : table.features().size() + " features",
              values, DataSpec.Table.MAX_VALUES));
    }
    int batch = grid.regime().batchSize();
    if (batch > rows) {
      throw new ConfigException(
          where + "train.batch_size " + batch + " is more than the table's " + rows
              + " rows; a minibatch is part of the training set");
    }
    Row stats = aggregate(df, columns, table.label(), model, where);
    checkValues(stats, columns, table.features().size(), where);
    checkLabel(stats, columns.size(), table.label(), model, where);
    TableIds.check(stats, 4 * columns.size() + 2, table.features(), model.inputs(), where);
    TrainingSet samples = collect(df, table, (int) rows, where);
    return new TrainingTable(table.read(samples.samples(), digest(samples)), samples);
  }

  private static void checkExists(SparkSession spark, String path, String where) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] found = fs.globStatus(p);
      if (found == null || found.length == 0) {
        throw new ConfigException(where + "no such file or folder");
      }
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException(where + "cannot be read (" + firstLine(e) + ")", e);
    }
  }

  /** Every named column exists, and is numeric. */
  private static void checkColumns(StructType schema, DataSpec.Table table, String where) {
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> wanted = new ArrayList<>(table.features());
    wanted.add(table.label());
    for (int i = 0; i < wanted.size(); i++) {
      String name = wanted.get(i);
      String role = i < table.features().size() ? "feature column" : "label column";
      if (!names.contains(name)) {
        String hint =
            names.stream().filter(n -> n.equalsIgnoreCase(name)).findFirst().map(n -> " (did you mean '" + n + "'?)").orElse("");
        throw new ConfigException(
            where + role + " '" + name + "' is missing" + hint + "; the table has columns: " + String.join(", ", names));
      }
      DataType type = schema.apply(name).dataType();
      if (!(type instanceof NumericType)) {
        throw new ConfigException(
            where + role + " '" + name + "' has type " + type.simpleString()
                + "; features and the label must be numeric (integer, floating point or decimal)");
      }
    }
  }

  /** A column by its exact name, dots and all. */
  private static Column column(String name) {
    return org.apache.spark.sql.functions.col("`" + name.replace("`", "``") + "`");
  }

  /**
   * One pass of Spark SQL aggregates: per column its null, NaN, ±Inf and
   * beyond-fp32 row counts, then the label rows that are not a class index and the first of them.
   */
  private static Row aggregate(Dataset<Row> df, List<String> columns, String label, ModelSpec model, String where) {
    List<Column> aggs = new ArrayList<>();
    Column infinity = lit(Double.POSITIVE_INFINITY);
    for (String name : columns) {
      Column c = column(name);
      Column d = c.cast("double");
      aggs.add(count_if(c.isNull()));
      aggs.add(count_if(isnan(d)));
      aggs.add(count_if(abs(d).equalTo(infinity)));
      aggs.add(count_if(abs(c.cast("float")).equalTo(infinity).and(abs(d).notEqual(infinity))));
    }
    Column y = column(label).cast("double");
    Column notClass = y.notEqual(rint(y)).or(y.lt(0)).or(y.geq(model.outputs()));
    aggs.add(count_if(notClass));
    aggs.add(first(when(notClass, y), true));
    aggs.addAll(TableIds.aggregates(columns.subList(0, columns.size() - 1), model.inputs())); // last: after the label's two
    try {
      return df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    } catch (Exception e) {
      throw new ConfigException(where + "cannot be read as Parquet (" + firstLine(e) + ")", e);
    }
  }

  private static void checkValues(Row stats, List<String> columns, int features, String where) {
    for (int i = 0; i < columns.size(); i++) {
      String role = i < features ? "feature column '" : "label column '";
      int at = 4 * i;
      long nulls = stats.getLong(at);
      long nans = stats.getLong(at + 1);
      long infinite = stats.getLong(at + 2);
      long beyond = stats.getLong(at + 3);
      long bad = nulls + nans + infinite;
      if (bad > 0) {
        List<String> parts = new ArrayList<>();
        if (nulls > 0) {
          parts.add("null: " + nulls);
        }
        if (nans > 0) {
          parts.add("NaN: " + nans);
        }
        if (infinite > 0) {
          parts.add("±Inf: " + infinite);
        }
        throw new ConfigException(
            where + role + columns.get(i) + "' has " + rows(bad) + " with no finite value ("
                + String.join(", ", parts) + "); every value must be a finite number");
      }
      if (beyond > 0) {
        throw new ConfigException(
            where + role + columns.get(i) + "' has " + rows(beyond)
                + " beyond fp32's range (|value| > " + Float.MAX_VALUE + "), the precision the engine trains in");
      }
    }
  }

  private static void checkLabel(Row stats, int columns, String label, ModelSpec model, String where) {
    if (!model.loss().classification()) {
      return; // a regression target only needs to be finite, which checkValues saw to
    }
    int at = 4 * columns;
    long bad = stats.getLong(at);
    if (bad > 0) {
      double first = stats.getDouble(at + 1);
      throw new ConfigException(
          where + "label '" + label + "' must be a class index, an integer in [0, " + model.outputs() + ") for the model's "
              + model.outputs() + " outputs; " + (bad == 1 ? "1 row is" : bad + " rows are") + " not (the first: " + number(first) + ")");
    }
  }

  /** The features and the label, cast to float, streamed partition by partition into arrays. */
  private static TrainingSet collect(Dataset<Row> df, DataSpec.Table table, int rows, String where) {
    int input = table.features().size();
    List<Column> selected = new ArrayList<>();
    table.features().forEach(f -> selected.add(column(f).cast("float")));
    selected.add(column(table.label()).cast("float"));
    float[] features = new float[rows * input];
    float[] labels = new float[rows];
    int n = 0;
    try {
      Iterator<Row> it = df.select(selected.toArray(Column[]::new)).toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        if (n == rows) {
          n++;
          break;
        }
        for (int j = 0; j < input; j++) {
          features[n * input + j] = r.getFloat(j);
        }
        labels[n] = r.getFloat(input);
        n++;
      }
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException(where + "cannot be read as Parquet (" + firstLine(e) + ")", e);
    }
    if (n != rows) {
      throw new ConfigException(where + "the table changed while it was read (" + rows + " rows counted, then "
          + (n > rows ? "more" : Integer.toString(n)) + " read); read it again when it is no longer being written");
    }
    return new TrainingSet(rows, input, 1, features, labels);
  }

  /**
   * The first 16 hex digits of the SHA-256 of the set's shape and values (features then labels,
   * each float's IEEE bits big-endian), as {@link dev.infersweep.spec.Ids} writes identifiers.
   */
  static String digest(TrainingSet set) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer head = ByteBuffer.allocate(12).putInt(set.samples()).putInt(set.input()).putInt(set.targetWidth());
      sha.update(head.array());
      update(sha, set.features());
      update(sha, set.labels());
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void update(MessageDigest sha, float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(4 * 8192);
    for (int i = 0; i < values.length; i++) {
      buffer.putFloat(values[i]);
      if (!buffer.hasRemaining()) {
        sha.update(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
    }
    sha.update(buffer.array(), 0, buffer.position());
  }

  private static String rows(long n) {
    return n == 1 ? "1 row" : n + " rows";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** An error's first line (its class name where it has no message): the driver's inputs report errors so. */
  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("").strip();
  }
}
