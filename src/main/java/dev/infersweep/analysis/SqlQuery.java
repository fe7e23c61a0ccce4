package dev.infersweep.analysis;

import dev.infersweep.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Runs SQL over the {@code trials} view and renders the answer. */
public final class SqlQuery {
  /** Output formats of {@code jobs/sweep sql}. */
  public enum Format {
    TABLE,
    CSV,
    JSON;

    public static Format parse(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("format " + text + ": allowed: table, csv, json");
      }
    }
  }

  /** The most rows one answer may print. */
  public static final int MAX_ROWS = 10_000_000;

  private SqlQuery() {}

  /**
   * @param maxRows rows to render at most; a note says when more were left out
   * @return the rendered answer, ending with a newline
   */
  public static String run(SparkSession spark, String resultsDir, String sql, Format format, int maxRows) {
    if (maxRows < 1 || maxRows > MAX_ROWS) {
      throw new ConfigException("max rows " + maxRows + ": must be between 1 and " + MAX_ROWS);
    }
    Views.register(spark, resultsDir);
    // Refused before Spark runs anything: the check works on the parse alone.
    ReadOnlyQuery.check(spark, sql);
    Dataset<Row> answer;
    List<Row> rows;
    try {
      answer = spark.sql(sql);
      rows = answer.limit(maxRows + 1).collectAsList();
    } catch (Exception e) {
      // Parse, analysis and runtime errors (some checked in Java's eyes) are the user's to fix.
      throw new ConfigException("query: " + ResultsTable.firstLine(e).strip(), e);
    }
    boolean truncated = rows.size() > maxRows;
    if (truncated) {
      rows = rows.subList(0, maxRows);
    }
    String[] columns = answer.columns();
    String text =
        switch (format) {
          case TABLE -> table(columns, rows);
          case CSV -> csv(columns, rows);
          case JSON -> json(answer, maxRows, rows.isEmpty());
        };
    if (format == Format.TABLE) {
      text += "(" + rows.size() + (truncated ? "+" : "") + " row" + (rows.size() == 1 ? "" : "s")
          + (truncated ? "; showing the first " + maxRows + ", raise the row limit for more" : "") + ")\n";
    }
    return text;
  }

  private static String json(Dataset<Row> answer, int maxRows, boolean empty) {
    try {
      return String.join("\n", answer.limit(maxRows).toJSON().collectAsList()) + (empty ? "" : "\n");
    } catch (RuntimeException e) {
      throw new ConfigException("query: " + ResultsTable.firstLine(e).strip(), e);
    }
  }

  static String table(String[] columns, List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    for (Row row : rows) {
      String[] line = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        line[i] = render(row.get(i));
      }
      cells.add(line);
    }
    int[] widths = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      widths[i] = columns[i].length();
      for (String[] line : cells) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    String rule = rule(widths);
    out.append(rule).append(line(columns, widths)).append(rule);
    for (String[] line : cells) {
      out.append(line(line, widths));
    }
    out.append(rule);
    return out.toString();
  }

  private static String rule(int[] widths) {
    StringBuilder out = new StringBuilder("+");
    for (int w : widths) {
      out.append("-".repeat(w + 2)).append('+');
    }
    return out.append('\n').toString();
  }

  private static String line(String[] values, int[] widths) {
    StringBuilder out = new StringBuilder("|");
    for (int i = 0; i < values.length; i++) {
      out.append(' ').append(String.format("%-" + widths[i] + "s", values[i])).append(" |");
    }
    return out.append('\n').toString();
  }

  static String csv(String[] columns, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append(csvLine(List.of(columns)));
    for (Row row : rows) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        values.add(row.isNullAt(i) ? "" : render(row.get(i)));
      }
      out.append(csvLine(values));
    }
    return out.toString();
  }

  private static String csvLine(List<String> values) {
    List<String> quoted = new ArrayList<>();
    for (String v : values) {
      boolean quote = v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r");
      quoted.add(quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
    }
    return String.join(",", quoted) + "\n";
  }

  private static String render(Object value) {
    return value == null ? "NULL" : value.toString();
  }
}
