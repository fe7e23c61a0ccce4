package dev.infersweep.spark;

import dev.infersweep.result.ResultSchema;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.run.Executor;
import dev.infersweep.run.RunTask;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * The function each task runs inside {@code mapPartitions}. It captures nothing but what Spark hands
 * it (the partition's run specs); the PyTorch engine is loaded once per executor JVM by
 * {@link dev.infersweep.engine.DjlRuntime}.
 */
final class RunPartition implements FlatMapFunction<Iterator<RunSpec>, Row> {
  private static final long serialVersionUID = 1L;

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
    List<Row> rows = new ArrayList<>();
    while (specs.hasNext()) {
      RunTask.execute(specs.next(), executor).forEach(r -> rows.add(ResultSchema.toRow(r)));
    }
    return rows.iterator();
  }
}
