package dev.infersweep.spark;

import dev.infersweep.result.ResultSchema;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import dev.infersweep.run.Executor;
import dev.infersweep.run.RunTask;
import dev.infersweep.run.CheckpointStore;
import dev.infersweep.run.ModelFiles;
import dev.infersweep.run.Shipped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * The function each task runs inside {@code mapPartitions}. It captures nothing but what Spark hands
 * it: the partition's run specs and, for a grid that trains on a table, the broadcast of the
 * samples the driver read ({@link TrainingTable}); it has no way to read the table's path itself.
 * The PyTorch engine is loaded once per executor JVM by {@link dev.infersweep.engine.DjlRuntime}.
 */
final class RunPartition implements FlatMapFunction<Iterator<RunSpec>, Row> {
  private static final long serialVersionUID = 2L;

  /**
   * Runs for which this answers true wait, before they start, until their task is cancelled: a run
   * that cannot finish before any deadline, for DeadlineTest (which puts the default back). Read in
   * the executor's JVM; only local masters share it with the test.
   */
  static volatile Predicate<RunSpec> holdUntilCancelled = spec -> false;

  /** The training table, or null for synthetic data. */
  private final Broadcast<TrainingSet> table;
  /** The driver's Hadoop settings, for tasks that read or save model files; null otherwise. */
  private final ModelFiles files;
  /** Where TorchScript runs save their checkpoints; null unless the grid asks for it. */
  private final CheckpointStore checkpoints;

  RunPartition(Broadcast<TrainingSet> table) {
    this(table, null, null);
  }

  RunPartition(Broadcast<TrainingSet> table, ModelFiles files, CheckpointStore checkpoints) {
    this.table = table;
    this.files = files;
    this.checkpoints = checkpoints;
  }

  /** The broadcast the tasks take their table from (null for synthetic data). */
  Broadcast<TrainingSet> table() {
    return table;
  }

  @Override
  public Iterator<Row> call(Iterator<RunSpec> specs) {
    SparkEnv env = SparkEnv.get();
    TaskContext task = TaskContext.get();
    ResourceInformation gpus = task == null ? null : task.resourcesJMap().get("gpu");
    Executor executor =
        new Executor(
            env == null ? "unknown" : env.executorId(),
            org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            gpus == null ? List.of() : List.of(gpus.addresses()));
    TrainingSet samples = table == null ? null : table.value();
    List<Row> rows = new ArrayList<>();
    while (specs.hasNext()) {
      RunSpec spec = specs.next();
      if (holdUntilCancelled.test(spec)) {
        waitForCancellation();
      }
      RunTask.execute(spec, executor, new Shipped(samples, files, checkpoints)).forEach(r -> rows.add(ResultSchema.toRow(r)));
    }
    return rows.iterator();
  }

  /** Returns never: Spark's cancellation interrupts the task's thread, which ends the task. */
  private static void waitForCancellation() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("a held run's task was cancelled", e);
    }
  }
}
