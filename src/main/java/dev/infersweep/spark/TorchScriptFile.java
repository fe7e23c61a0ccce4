package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.run.ModelFiles;
import dev.infersweep.run.ScriptedCheck;
import dev.infersweep.spec.Axes;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a grid's TorchScript file once, on the driver, from any Hadoop path (local, HDFS, S3, …),
 * and checks it ({@link ScriptedCheck}): the checked model carries the bytes in every run spec, so
 * executors never open the path. Every problem is one line naming the grid file, {@code
 * model.torchscript} and what is wrong.
 */
public final class TorchScriptFile {
  /** The largest file read: a run spec holding it travels to every task (a read source's tasks open their own files, up to {@link ModelFiles#MAX_BYTES}). */
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

  /** The file's bytes through {@link ModelFiles}, its one-line refusals prefixed with the grid file and key. */
  static byte[] read(String file, String path, Configuration hadoop) {
    try {
      return ModelFiles.of(hadoop).read(path, MAX_BYTES);
    } catch (IOException e) {
      throw new ConfigException(file + ": model.torchscript: " + TrainingTable.firstLine(e), e);
    }
  }
}
