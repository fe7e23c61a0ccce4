package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.run.ScriptedCheck;
import dev.infersweep.spec.Axes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a grid's TorchScript file once, on the driver, from any Hadoop path (local, HDFS, S3, …),
 * and checks it ({@link ScriptedCheck}): the checked model carries the bytes in every run spec, so
 * executors never open the path. Every problem is one line naming the grid file, {@code
 * model.torchscript} and what is wrong.
 */
public final class TorchScriptFile {
  /** The largest file read: a run spec holding it travels to every task. */
  static final long MAX_BYTES = 512L << 20;

  private TorchScriptFile() {}

  /**
   * {@code grid} with its TorchScript model read and checked, said on {@code console}; any other
   * grid (or one already read) as it is.
   */
  public static GridConfig resolve(GridConfig grid, Configuration hadoop, PrintStream console) {
    if (!(grid.model() instanceof ScriptedModel declared) || declared.loaded()) {
      return grid;
    }
    byte[] bytes = read(grid.file(), declared.path(), hadoop);
    ScriptedModel m = ScriptedCheck.checked(grid.file(), declared, bytes, grid.axes().get(Axes.PRECISION));
    console.printf(
        "[infersweep] model: %s, %,d parameters in %d tensors, sha256 %s (read once, shipped to the tasks)%n",
        m.describe(), m.parameterCount(), m.parameters().size(), m.sha256().substring(0, 12));
    return grid.withModel(m);
  }

  static byte[] read(String file, String path, Configuration hadoop) {
    String where = file + ": model.torchscript: " + path;
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      if (!fs.exists(p)) {
        throw new ConfigException(where + " does not exist");
      }
      FileStatus status = fs.getFileStatus(p);
      if (status.isDirectory()) {
        throw new ConfigException(where + " is a folder; name the .pt file torch.jit.save wrote");
      }
      if (status.getLen() > MAX_BYTES) {
        throw new ConfigException(where + " is " + status.getLen() + " bytes; at most " + MAX_BYTES + " are shipped to the tasks");
      }
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(where + " cannot be read: " + TrainingTable.firstLine(e), e);
    }
  }
}
