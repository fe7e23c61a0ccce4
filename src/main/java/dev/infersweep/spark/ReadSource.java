package dev.infersweep.spark;

import dev.infersweep.grid.GridConfig;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ReadModel;
import dev.infersweep.run.ModelFiles;
import dev.infersweep.run.SourceCheck;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A grid of models that are read, not trained, made ready on the driver: its files listed
 * ({@link ModelListing}) and one of them opened and checked ({@link SourceCheck}); the tasks open
 * their own files with the driver's Hadoop settings ({@link ModelFiles}).
 */
public final class ReadSource {
  private ReadSource() {}

  /** {@code grid} with its files listed and one checked, said on {@code console}; any other grid as it is. */
  public static GridConfig resolve(GridConfig grid, Configuration hadoop, PrintStream console) {
    if (!(grid.model() instanceof ModelSource source) || source.isListed()) {
      return grid;
    }
    List<ReadModel> files = ModelListing.list(grid.file(), source, hadoop);
    ReadModel first = files.get(0);
    String path = source.kind() == ModelSource.Kind.SERIES ? first.baseline() : first.path();
    String key = source.kind() == ModelSource.Kind.SERIES
        ? (source.baseline() != null ? "model.baseline" : "model.checkpoints")
        : "model.files";
    String facts = SourceCheck.check(grid.file(), key, path, first.inputs(), ModelFiles.of(hadoop));
    console.printf("[infersweep] models: %s%n", summary(source, files));
    console.printf("[infersweep] checked %s (%s); each task reads its own file%n", path, facts);
    console.flush();
    return grid.withModel(source.withListing(files));
  }

  /** One line: how many files, and for a series its range and baseline. */
  static String summary(ModelSource source, List<ReadModel> files) {
    if (source.kind() == ModelSource.Kind.REGISTRY) {
      return files.size() + " file(s) in a registry, each timed against its own controls";
    }
    return String.format("%d checkpoint(s) of a series, steps %d to %d, against the baseline %s",
        files.size(), files.get(0).steps(), files.get(files.size() - 1).steps(), files.get(0).baseline());
  }
}
