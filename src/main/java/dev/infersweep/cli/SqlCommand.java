package dev.infersweep.cli;

import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import dev.infersweep.analysis.SqlQuery;
import dev.infersweep.spark.Sessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweep sql}: Spark SQL over the results, with every sweep registered as {@code trials}. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Query results with Spark SQL: views trials (rows), runs and checkpoints over every sweep under --results.")
public final class SqlCommand implements Callable<Integer> {
  @Option(names = "--results", required = true, paramLabel = "DIR", description = "Results root (or one sweep_date=/sweep_id= folder).")
  String results;

  @Option(names = "--format", defaultValue = "table", paramLabel = "FMT", description = "table, csv or json (JSON lines); default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--max-rows", defaultValue = "1000", paramLabel = "N", description = "Rows to print at most (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Mixin SparkOptions sparkOptions = new SparkOptions();

  @Option(names = "--verbose", description = "On an error, print the stack trace too.")
  boolean verbose;

  @Parameters(index = "0", paramLabel = "QUERY", description = "e.g. \"SELECT precision, avg(latency_p50_ns) FROM trials GROUP BY precision\"")
  String query;

  @Override
  public Integer call() {
    System.out.print(execute());
    System.out.flush();
    return Main.OK;
  }

  /** Runs the query; returns the rendered answer. */
  public String execute() {
    SqlQuery.Format fmt;
    try {
      fmt = SqlQuery.Format.parse(format);
    } catch (ConfigException e) {
      throw new ConfigException("--" + e.getMessage());
    }
    if (maxRows < 1 || maxRows > SqlQuery.MAX_ROWS) {
      throw new ConfigException("--max-rows " + maxRows + ": must be between 1 and " + SqlQuery.MAX_ROWS);
    }
    try (Sessions.Handle session = sparkOptions.open("infersweep sql")) {
      SparkSession spark = session.spark();
      return SqlQuery.run(spark, results, query, fmt, maxRows);
    } catch (SweepException e) {
      if (verbose) {
        e.printStackTrace();
      }
      throw e;
    }
  }
}
