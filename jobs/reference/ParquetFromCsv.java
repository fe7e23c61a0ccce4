import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Writes a CSV of whole numbers (with a header) as one Parquet file of BIGINT columns, through DuckDB's
 * JDBC driver: the Parquet writer that make_recommender_table.py lacks in Python. A reference helper run
 * as a single-file program, never part of infersweep:
 * {@code java -cp duckdb_jdbc-1.4.4.0.jar ParquetFromCsv.java IN.csv OUT.parquet}.
 */
public class ParquetFromCsv {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ParquetFromCsv IN.csv OUT.parquet");
      System.exit(2);
    }
    String in = args[0].replace("'", "''");
    String out = args[1].replace("'", "''");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      // Every column typed BIGINT: the ids and the label stay exact integers.
      s.execute("COPY (SELECT * FROM read_csv('" + in + "', header = true, auto_type_candidates = ['BIGINT']))"
          + " TO '" + out + "' (FORMAT parquet)");
    }
  }
}
