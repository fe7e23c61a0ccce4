package dev.infersweep.read;

import dev.infersweep.net.InputSpec;
import dev.infersweep.net.ReadModel;
import java.io.IOException;
import java.util.List;

/**
 * One task's files: the model it times and, in a series, the baseline it is timed against, each
 * read through Hadoop and checked; a series model must hold the baseline's tensors (same names,
 * kinds, types and shapes), or it is not a checkpoint of the same network.
 *
 * @param spec the file as the driver listed it
 * @param baseline null for a registry model
 */
public record ReadModels(ReadModel spec, ReadFile model, ReadFile baseline) {
  /**
   * Reads and checks {@code spec}'s file (and its baseline).
   *
   * @throws UnreadableModel with one line naming the file and what is wrong
   */
  public static ReadModels read(ReadModel spec, FileReader files) throws UnreadableModel {
    ReadFile model = file(spec.path(), spec.inputs(), files);
    if (!spec.hasBaseline()) {
      return new ReadModels(spec, model, null);
    }
    ReadFile baseline = spec.baseline().equals(spec.path()) ? model : file(spec.baseline(), spec.inputs(), files);
    if (model.format() != baseline.format()) {
      // A series is one format: its checkpoints are timed against a baseline in the same engine.
      throw new UnreadableModel(spec.path() + " is " + model.format().description() + " but the series' baseline "
          + spec.baseline() + " is " + baseline.format().description() + "; a series is one format");
    }
    String difference = ModelCheck.differenceFromBaseline(model.stored().tensors(), baseline.stored().tensors());
    if (difference != null) {
      throw new UnreadableModel(spec.path() + " is not a checkpoint of the baseline's network " + spec.baseline() + ": " + difference);
    }
    return new ReadModels(spec, model, baseline);
  }

  /** Reads and checks one file. */
  public static ReadFile file(String path, List<InputSpec> inputs, FileReader files) throws UnreadableModel {
    byte[] bytes;
    try {
      bytes = files.read(path);
    } catch (IOException | RuntimeException e) {
      throw new UnreadableModel(e.getMessage() != null && e.getMessage().startsWith(path)
          ? e.getMessage() : path + " cannot be read: " + e, e);
    }
    return new ReadFile(path, ReadFile.sha256(bytes), ModelCheck.check(path, bytes, inputs));
  }
}
