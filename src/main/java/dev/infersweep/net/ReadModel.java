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
 * @param inputShape one sample's shape, without the batch dimension
 * @param inputValues the input's element type (and, for integer ids, their range)
 * @param steps the series number (the last integer in the file name); null in a registry
 * @param baseline the series' baseline file; null in a registry
 * @param bytes the file's length when listed
 * @param modified its modification time when listed (ms since the epoch), so that a changed file is another run
 */
public record ReadModel(
    ModelSource.Kind kind, String path, long[] inputShape, InputValues inputValues, Long steps, String baseline, long bytes, long modified)
    implements ReadSpec {
  public ReadModel {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(inputValues, "inputValues");
    inputShape = inputShape.clone();
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

  @Override
  public List<InputSpec> inputs() {
    return List.of(new InputSpec(inputShape, inputValues));
  }

  /** Whether the model is timed against a baseline (a series) rather than against itself alone. */
  public boolean hasBaseline() {
    return baseline != null;
  }

  @Override
  public long[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public int input() {
    return product(inputShape);
  }

  @Override
  public long[] sampleShape() {
    return inputShape();
  }

  /** The file as listed (path, length, time) and how it is timed: its rows' run id hashes this. */
  @Override
  public String canonical() {
    return "read=" + kind.key() + ";path=" + path + ";bytes=" + bytes + ";modified=" + modified
        + ";shape=" + Arrays.toString(inputShape) + inputValues.canonical() + ";baseline=" + baseline;
  }

  @Override
  public String describe() {
    int slash = path.lastIndexOf('/');
    return "torchscript " + path.substring(slash + 1) + " " + Arrays.toString(inputShape) + inputValues.describe() + " (read)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadModel m && kind == m.kind && path.equals(m.path) && Arrays.equals(inputShape, m.inputShape)
        && inputValues.equals(m.inputValues)
        && Objects.equals(steps, m.steps) && Objects.equals(baseline, m.baseline) && bytes == m.bytes && modified == m.modified;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, path, Arrays.hashCode(inputShape), inputValues, steps, baseline, bytes, modified);
  }
}
