package dev.infersweep.analysis;

import dev.infersweep.error.ConfigException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Resolves sweep names: an id, {@code latest}, or {@code previous} (relative to another sweep). */
public final class Sweeps {
  private Sweeps() {}

  /** Sweeps in the {@code trials} view, oldest first: (sweep_id, grid_name, sweep_date). */
  static List<Row> ordered(SparkSession spark) {
    return spark
        .sql(
            "SELECT sweep_id, first(grid_name) AS grid_name, first(sweep_date) AS sweep_date, max(measured_at) AS at"
                + " FROM trials GROUP BY sweep_id ORDER BY sweep_date, at, sweep_id")
        .collectAsList();
  }

  /** {@code latest} or an existing sweep id. */
  public static String resolve(SparkSession spark, String name, String option) {
    List<Row> sweeps = ordered(spark);
    if (sweeps.isEmpty()) {
      throw new ConfigException(option + " " + name + ": the results folder holds no sweep");
    }
    if (name.equals("latest")) {
      return sweeps.get(sweeps.size() - 1).<String>getAs("sweep_id");
    }
    for (Row r : sweeps) {
      if (r.<String>getAs("sweep_id").equals(name)) {
        return name;
      }
    }
    throw new ConfigException(
        option + " " + name + ": no such sweep; found: "
            + String.join(", ", sweeps.stream().map(r -> r.<String>getAs("sweep_id")).toList()));
  }

  /** The latest sweep of the same grid name that comes before {@code sweepId}. */
  public static String previous(SparkSession spark, String sweepId, String option) {
    List<Row> sweeps = ordered(spark);
    String grid = null;
    int index = -1;
    for (int i = 0; i < sweeps.size(); i++) {
      if (sweeps.get(i).<String>getAs("sweep_id").equals(sweepId)) {
        grid = sweeps.get(i).<String>getAs("grid_name");
        index = i;
      }
    }
    for (int i = index - 1; i >= 0; i--) {
      if (sweeps.get(i).<String>getAs("grid_name").equals(grid)) {
        return sweeps.get(i).<String>getAs("sweep_id");
      }
    }
    throw new ConfigException(
        option + " previous: no earlier sweep of grid '" + grid + "' before " + sweepId);
  }
}
