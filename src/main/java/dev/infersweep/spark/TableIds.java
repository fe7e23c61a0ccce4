package dev.infersweep.spark;

import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.when;

import dev.infersweep.error.ConfigException;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The feature columns of a table that feed a model's integer inputs (ids): the columns fill the
 * model's inputs in order, each input taking its shape's element count of columns (row-major), as
 * for float inputs. A column feeding ids must hold whole numbers (of any numeric type: an integer
 * column, or a floating or decimal one whose every value is whole) within the input's declared
 * range {@code [low, high)}; the ids are never rounded or clipped, so any other value stops the
 * sweep on the driver with one line naming the key and the column.
 */
final class TableIds {
  /** One column feeding ids: its name, the input's values and the grid key that declared them. */
  private record IdColumn(String name, InputValues values, String dtypeKey, String rangeKey) {}

  private TableIds() {}

  /**
   * The aggregates {@link #check} reads, four per column that feeds an integer input of {@code
   * inputs} (none when none does), to run in the table's one pass over its values.
   */
  static List<Column> aggregates(List<String> features, List<InputSpec> inputs) {
    List<Column> aggs = new ArrayList<>();
    for (IdColumn c : idColumns(features, inputs)) {
      Column d = column(c.name()).cast("double");
      Column fraction = d.notEqual(rint(d));
      Column outside = d.lt(c.values().low()).or(d.geq(c.values().high()));
      aggs.add(count_if(fraction));
      aggs.add(first(when(fraction, d), true));
      aggs.add(count_if(outside));
      aggs.add(first(when(outside, d), true));
    }
    return aggs;
  }

  /**
   * Checks every column that feeds an integer input of {@code inputs} from {@code stats}, the pass's
   * row, whose {@link #aggregates} start at {@code from}.
   *
   * @throws ConfigException naming the key, the column, how many rows and the first such value
   */
  static void check(Row stats, int from, List<String> features, List<InputSpec> inputs, String where) {
    List<IdColumn> columns = idColumns(features, inputs);
    for (int i = 0; i < columns.size(); i++) {
      IdColumn c = columns.get(i);
      int at = from + 4 * i;
      long fractions = stats.getLong(at);
      if (fractions > 0) {
        throw new ConfigException(where + c.dtypeKey() + " " + c.values().type().label() + ": feature column '" + c.name()
            + "' feeds integer ids, but " + rows(fractions) + " not a whole number (the first: " + stats.getDouble(at + 1)
            + "); ids are never rounded");
      }
      long outside = stats.getLong(at + 2);
      if (outside > 0) {
        throw new ConfigException(where + c.rangeKey() + " [" + c.values().low() + ", " + c.values().high() + "): feature column '"
            + c.name() + "' has " + (outside == 1 ? "1 row" : outside + " rows") + " outside it (the first: "
            + number(stats.getDouble(at + 3)) + "); widen the range or fix the column, ids are never clipped");
      }
    }
  }

  /**
   * The columns feeding an integer input, in order: input {@code k} takes the next {@code size()}
   * columns. One input is named by {@code model.input_dtype}/{@code input_range} (a one-element
   * {@code model.inputs} is the same model), several by {@code model.inputs[k]}.
   */
  private static List<IdColumn> idColumns(List<String> features, List<InputSpec> inputs) {
    boolean single = inputs.size() == 1;
    List<IdColumn> out = new ArrayList<>();
    int offset = 0;
    for (int k = 0; k < inputs.size(); k++) {
      InputSpec input = inputs.get(k);
      if (input.values().integer()) {
        String dtype = single ? "model.input_dtype" : "model.inputs[" + k + "].dtype";
        String range = single ? "model.input_range" : "model.inputs[" + k + "].range";
        for (int j = offset; j < offset + input.size() && j < features.size(); j++) {
          out.add(new IdColumn(features.get(j), input.values(), dtype, range));
        }
      }
      offset += input.size();
    }
    return out;
  }

  private static Column column(String name) {
    return org.apache.spark.sql.functions.col("`" + name.replace("`", "``") + "`");
  }

  private static String rows(long n) {
    return n == 1 ? "1 row is" : n + " rows are";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
