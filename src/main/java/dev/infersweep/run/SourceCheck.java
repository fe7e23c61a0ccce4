package dev.infersweep.run;

import dev.infersweep.error.ConfigException;
import dev.infersweep.net.InputSpec;
import dev.infersweep.read.ReadFile;
import dev.infersweep.read.ReadModels;
import dev.infersweep.read.UnreadableModel;
import java.util.List;

/**
 * The driver's check of a read source before the sweep: it opens one file, the series' baseline or
 * the registry's first match, to fail fast on a wrong {@code input_shape}; the tasks check their own
 * files. A failure is one line naming the grid file and the key, and exit 2.
 */
public final class SourceCheck {
  private SourceCheck() {}

  /**
   * @param file the grid file, for the messages
   * @param key the grid key that named the file ({@code model.baseline}, {@code model.files[0]})
   * @return the file's precision label and tensor count, for the console
   */
  public static String check(
      String file, String key, String path, List<InputSpec> inputs, ModelFiles files) {
    try {
      ReadFile read = ReadModels.file(path, inputs, files);
      return read.precision().label() + ", " + read.stored().tensors().size() + " tensors, " + read.format().label();
    } catch (UnreadableModel e) {
      throw new ConfigException(file + ": " + key + ": " + e.getMessage(), e);
    }
  }
}
