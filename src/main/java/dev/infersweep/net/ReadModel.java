package dev.infersweep.net;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One model file a task reads and times, found by the driver's listing of a {@link ModelSource}.
 * The driver never holds its bytes: the task opens {@link #path} itself through Hadoop's file
 * system, and records the content's SHA-256 in the rows.
 *
 * @param kind series or registry
 * @param path the file (any Hadoop path), as listed
 * @param inputs the inputs its forward takes, in order (one: {@code input_shape} with {@code
 *     input_dtype}/{@code input_range}; several: {@code model.inputs})
 * @param steps the series number (the last integer in the file name); null in a registry
 * @param baseline the series' baseline file; null in a registry
 * @param bytes the file's length when listed
 * @param modified its modification time when listed (ms since the epoch), so that a changed file is another run
 */
public record ReadModel(
    ModelSource.Kind kind, String path, List<InputSpec> inputs, Long steps, String baseline, long bytes, long modified)
    implements ReadSpec {
  public ReadModel {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a model takes at least one input: " + path);
    }
    if ((kind == ModelSource.Kind.SERIES) != (steps != null) || (kind == ModelSource.Kind.SERIES) != (baseline != null)) {
      throw new IllegalArgumentException("a series model has steps and a baseline, a registry model neither: " + path);
    }
  }

  static int product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return Math.toIntExact(n);
  }

  /** A model of one input of {@code inputShape} holding {@code values}. */
  public static ReadModel of(ModelSource.Kind kind, String path, long[] inputShape, InputValues values, Long steps,
      String baseline, long bytes, long modified) {
    return new ReadModel(kind, path, List.of(new InputSpec(inputShape, values)), steps, baseline, bytes, modified);
  }

  /** Whether forward takes one input (then {@link #inputShape} is its shape). */
  public boolean singleInput() {
    return inputs.size() == 1;
  }

  /** Whether the model is timed against a baseline (a series) rather than against itself alone. */
  public boolean hasBaseline() {
    return baseline != null;
  }

  /** The one input's shape; for several inputs, their values per sample together ({@code [input()]}). */
  public long[] inputShape() {
    return singleInput() ? inputs.get(0).shape() : new long[] {input()};
  }

  @Override
  public int input() {
    return InputSpec.size(inputs);
  }

  @Override
  public long[] sampleShape() {
    return inputShape();
  }

  /** The file as listed (path, length, time) and how it is timed: its rows' run id hashes this. */
  @Override
  public String canonical() {
    return "read=" + kind.key() + ";path=" + path + ";bytes=" + bytes + ";modified=" + modified
        + inputsText() + ";baseline=" + baseline;
  }

  @Override
  public String describe() {
    int slash = path.lastIndexOf('/');
    // No engine word: the format is found in the file's bytes by the task, and the row's engine column says it.
    return path.substring(slash + 1) + " " + (singleInput() ? inputs.get(0).describe() : inputs.toString()) + " (read)";
  }

  /** One input as before {@code model.inputs} existed (so its run ids stay), several as their list. */
  private String inputsText() {
    return singleInput()
        ? ";shape=" + Arrays.toString(inputs.get(0).shape()) + inputs.get(0).values().canonical()
        : ";inputs=" + inputs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadModel m && kind == m.kind && path.equals(m.path) && inputs.equals(m.inputs)
        && Objects.equals(steps, m.steps) && Objects.equals(baseline, m.baseline) && bytes == m.bytes && modified == m.modified;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, path, inputs, steps, baseline, bytes, modified);
  }
}
