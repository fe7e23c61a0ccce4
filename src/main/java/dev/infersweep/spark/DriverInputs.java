package dev.infersweep.spark;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.TrainingSet;
import java.io.PrintStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What the driver reads before the lock and staging, so that a bad input writes nothing: the grid's
 * training table (read and validated once, broadcast to the tasks), its TorchScript file (read and
 * checked once, shipped as bytes), and a read source's listing (one file opened and checked).
 *
 * @param request the request with its grid resolved
 * @param samples the table's samples, or null for synthetic data
 */
record DriverInputs(SweepJob.Request request, TrainingSet samples) {
  static DriverInputs read(SparkSession spark, SweepJob.Request request, PrintStream console) {
    GridConfig grid = request.grid();
    TrainingSet samples = null;
    if (grid.data() instanceof DataSpec.Table) {
      TrainingTable table = TrainingTable.read(spark, grid);
      grid = table.applyTo(grid);
      samples = table.samples();
      console.printf(
          "[infersweep] data: table %s: %d rows × %d features, digest %s (broadcast to the tasks)%n",
          table.spec().path(), samples.samples(), samples.input(), table.spec().digest());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    grid = TorchScriptFile.resolve(grid, jsc.hadoopConfiguration(), console);
    grid = ReadSource.resolve(grid, jsc.hadoopConfiguration(), console);
    // A read source's rows are known once its files are listed.
    grid.checkSize(request.allowLarge());
    return new DriverInputs(request.withGrid(grid), samples);
  }
}
