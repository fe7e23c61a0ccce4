package dev.infersweep.spark;

import dev.infersweep.error.SweepException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.run.CheckpointStore;
import dev.infersweep.run.ModelFiles;
import dev.infersweep.spec.TrainingSet;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;

/**
 * The files a sweep's tasks touch besides their rows: the model files a read source's tasks open,
 * and the checkpoints TorchScript runs save ({@code train.save_checkpoints}). Both go through Hadoop
 * with the driver's settings. Where checkpoints are saved, the driver first proves it can write
 * there and says how much space they take, before any run trains: a folder it cannot write is exit 5.
 */
final class TaskFiles {
  private TaskFiles() {}

  /** The function each task runs, with what the grid needs shipped. */
  static RunPartition partition(
      Broadcast<TrainingSet> table, SweepJob.Request request, int runs, Configuration hadoop, PrintStream console) {
    GridConfig grid = request.grid();
    boolean save = grid.saveCheckpoints();
    ModelFiles files = grid.model() instanceof ModelSource || save ? ModelFiles.of(hadoop) : null;
    CheckpointStore store = save ? prepared(CheckpointStore.of(files, request.out(), request.sweepId()), grid, runs, hadoop, console) : null;
    return new RunPartition(table, files, store);
  }

  private static CheckpointStore prepared(
      CheckpointStore store, GridConfig grid, int runs, Configuration hadoop, PrintStream console) {
    Path root = new Path(store.root());
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      fs.mkdirs(root);
      Path probe = new Path(root, "._write_check");
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw SweepException.io("train.save_checkpoints: cannot write checkpoints under " + root + ": " + e.getMessage()
          + "; nothing was trained", e);
    }
    long each = grid.model() instanceof ScriptedModel m ? m.archive().length : 0;
    long count = (long) runs * grid.axes().get(dev.infersweep.spec.Axes.EPOCHS).stream().distinct().count();
    console.printf(Locale.ROOT, "[infersweep] checkpoints: %d file(s) of about %.1f MiB each (about %.1f MiB) under %s%n",
        count, each / 1048576.0, count * each / 1048576.0, root);
    return store;
  }
}
