package dev.infersweep.net;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Models that are read, not trained: a grid's {@code model.checkpoints} (a series of checkpoints of
 * one training run, each timed against a baseline) or {@code model.files} (a registry of unrelated
 * models, each timed against its own controls). This is the grid's declaration: the driver lists
 * the files ({@code spark.ModelListing}) and each becomes one task's {@link ReadModel}.
 *
 * @param kind series or registry
 * @param patterns globs or paths over any Hadoop file system, each with its own input shape or null
 * @param inputs the inputs of every pattern without a shape of its own, in the order forward takes
 *     them: one ({@code input_shape} with {@code input_dtype}/{@code input_range}) or several ({@code
 *     model.inputs}); empty when each pattern has its own shape
 * @param inputValues what a pattern's own {@code input_shape} holds ({@code input_dtype}/{@code
 *     input_range}); float32 with {@code model.inputs}, where no pattern has a shape of its own
 * @param baseline the series' baseline file; null for the series' first checkpoint (and for a registry)
 * @param listed the files the driver found, in run order; empty until it has listed them
 */
public record ModelSource(
    Kind kind, List<Pattern> patterns, List<InputSpec> inputs, InputValues inputValues, String baseline, List<ReadModel> listed)
    implements ReadSpec {
  /** How the files relate. */
  public enum Kind {
    /** Checkpoints of one run, ordered by the last integer in each file name (the row's {@code steps}). */
    SERIES("checkpoints"),
    /** Unrelated models: no baseline, each against its own controls. */
    REGISTRY("files");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The grid key under {@code model}: {@code checkpoints} or {@code files}. */
    public String key() {
      return key;
    }
  }

  /** A glob (or a path) and the input shape of the models it matches (null: the source's). */
  public record Pattern(String glob, long[] inputShape) implements java.io.Serializable {
    public Pattern {
      Objects.requireNonNull(glob, "glob");
      inputShape = inputShape == null ? null : inputShape.clone();
    }

    @Override
    public long[] inputShape() {
      return inputShape == null ? null : inputShape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pattern p && glob.equals(p.glob) && Arrays.equals(inputShape, p.inputShape);
    }

    @Override
    public int hashCode() {
      return 31 * glob.hashCode() + Arrays.hashCode(inputShape);
    }

    @Override
    public String toString() {
      return inputShape == null ? glob : glob + " " + Arrays.toString(inputShape);
    }
  }

  public ModelSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(inputValues, "inputValues");
    patterns = List.copyOf(patterns);
    listed = List.copyOf(listed);
    inputs = List.copyOf(inputs);
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("model." + kind.key() + " needs at least one path or glob");
    }
    for (Pattern p : patterns) {
      if (p.inputShape() == null && inputs.isEmpty()) {
        throw new IllegalArgumentException("model.input_shape is missing: " + p.glob() + " has no input shape of its own");
      }
      if (p.inputShape() != null && inputs.size() > 1) {
        throw new IllegalArgumentException("a pattern's own input_shape is one input; " + p.glob() + " is declared with model.inputs");
      }
    }
    if (kind == Kind.REGISTRY && baseline != null) {
      throw new IllegalArgumentException("model.baseline belongs to a series (model.checkpoints); registry models have none");
    }
  }

  /** The grid's declaration of models whose input is {@code values} (e.g. int64 ids), for every pattern. */
  public static ModelSource declared(
      Kind kind, List<Pattern> patterns, long[] inputShape, InputValues values, String baseline) {
    List<InputSpec> inputs = inputShape == null ? List.of() : List.of(new InputSpec(inputShape, values));
    return new ModelSource(kind, patterns, inputs, values, baseline, List.of());
  }

  /** The grid's declaration of models whose forward takes several {@code inputs} ({@code model.inputs}), for every pattern. */
  public static ModelSource declared(Kind kind, List<Pattern> patterns, List<InputSpec> inputs, String baseline) {
    return new ModelSource(kind, patterns, inputs, InputValues.FLOAT32, baseline, List.of());
  }

  /** The same source with the files the driver found. */
  public ModelSource withListing(List<ReadModel> files) {
    return new ModelSource(kind, patterns, inputs, inputValues, baseline, files);
  }

  /** Whether the driver has listed the files. */
  public boolean isListed() {
    return !listed.isEmpty();
  }

  /** The inputs of the models {@code pattern} matches: its own shape's one input, else the source's. */
  public List<InputSpec> inputsOf(Pattern pattern) {
    return pattern.inputShape() != null ? List.of(new InputSpec(pattern.inputShape(), inputValues)) : inputs;
  }

  /** The one input's shape for every pattern without its own; null when each has one, or with several inputs. */
  public long[] inputShape() {
    return inputs.size() == 1 ? inputs.get(0).shape() : null;
  }

  @Override
  public int input() {
    return inputs.isEmpty() ? 0 : InputSpec.size(inputs);
  }

  @Override
  public long[] sampleShape() {
    return inputs.size() > 1 ? new long[] {input()} : inputShape();
  }

  @Override
  public String canonical() {
    String in = inputs.size() > 1 ? ";inputs=" + inputs : ";shape=" + Arrays.toString(inputShape()) + inputValues.canonical();
    return "source=" + kind.key() + ";patterns=" + patterns + in + ";baseline=" + baseline;
  }

  @Override
  public String describe() {
    return (kind == Kind.SERIES ? "checkpoint series " : "model registry ") + patterns;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSource s && kind == s.kind && patterns.equals(s.patterns)
        && inputs.equals(s.inputs) && inputValues.equals(s.inputValues) && Objects.equals(baseline, s.baseline) && listed.equals(s.listed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, patterns, inputs, inputValues, baseline, listed);
  }
}
