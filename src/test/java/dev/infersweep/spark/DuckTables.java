package dev.infersweep.spark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Training tables for the tests, written as Parquet by DuckDB (not by Spark, whose reader is under test). */
final class DuckTables {
  private DuckTables() {}

  /** Writes {@code select} (over {@code range(n) t(i)}) as {@code dir/name.parquet}. */
  static Path parquet(Path dir, String name, String select, long n) throws Exception {
    Path file = dir.resolve(name + ".parquet");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement()) {
      st.execute("COPY (SELECT " + select + " FROM range(" + n + ") t(i)) TO '" + file + "' (FORMAT parquet)");
    }
    return file;
  }
}
