package dev.infersweep.spec;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One axis of the sweep grid, declared once in {@link Axes}: its name (the grid key and the result
 * column), where it sits in the YAML, whether it multiplies training runs or the cells measured
 * inside one run, the values it allows and its default. Expansion, counts, row ids, the plan and the
 * executor's cell loops all read these declarations.
 *
 * @param <T> the value type: {@code Integer}, {@code Long}, {@code Double} or an enum
 */
public final class Axis<T> {
  /** Whether an axis multiplies training runs or the measurement cells of one run. */
  public enum Level {
    /** Each value is another training run. */
    RUN,
    /** Each value is another measurement of the same training run. */
    CELL
  }

  /** The values an axis allows: the loader checks a YAML value against it. */
  public sealed interface Domain<T> permits Integers, Reals, Words {}

  /**
   * Whole numbers in {@code [min, max]}.
   *
   * @param convert from the parsed {@code long} to the axis' type
   */
  public record Integers<T>(long min, long max, Function<Long, T> convert) implements Domain<T> {}

  /**
   * Finite numbers in {@code [min, max]} ({@code (min, max]} when {@code minExclusive}). When
   * {@code asFloat}, a non-zero value must stay non-zero as the engine's fp32 (it is used as one).
   */
  public record Reals(double min, boolean minExclusive, double max, boolean asFloat)
      implements Domain<Double> {}

  /**
   * Words, each parsed by {@code parse} (null when unknown).
   *
   * @param allowed the labels, for messages
   */
  public record Words<T>(List<String> allowed, Function<String, T> parse) implements Domain<T> {}

  private final String name;
  private final String yamlKey;
  private final String token;
  private final Level level;
  private final Domain<T> domain;
  private final List<T> defaults;
  private final String fallbackKey;
  private final Function<T, String> label;
  private final boolean inIdOnlyWhenChanged;

  private Axis(
      String name,
      String yamlKey,
      String token,
      Level level,
      Domain<T> domain,
      List<T> defaults,
      String fallbackKey,
      Function<T, String> label,
      boolean inIdOnlyWhenChanged) {
    this.name = Objects.requireNonNull(name);
    this.yamlKey = Objects.requireNonNull(yamlKey);
    this.token = Objects.requireNonNull(token);
    this.level = Objects.requireNonNull(level);
    this.domain = Objects.requireNonNull(domain);
    this.defaults = defaults == null ? null : List.copyOf(defaults);
    this.fallbackKey = fallbackKey;
    this.label = Objects.requireNonNull(label);
    this.inIdOnlyWhenChanged = inIdOnlyWhenChanged;
    if (inIdOnlyWhenChanged && (defaults == null || defaults.size() != 1)) {
      throw new IllegalArgumentException("'" + name + "' needs one default value to be left out of ids at it");
    }
  }

  /**
   * Declares an axis.
   *
   * @param name the grid key under {@code grid:} and the result column
   * @param token its name in the canonical text that run and row ids hash
   * @param level run or cell
   * @param domain allowed values
   * @param defaults values when the grid omits it; null makes it required
   */
  static <T> Axis<T> of(String name, String token, Level level, Domain<T> domain, List<T> defaults) {
    return new Axis<>(name, "grid." + name, token, level, domain, defaults, null, String::valueOf, false);
  }

  /** The same axis read from another YAML key ({@code timing.batch_sizes}, say). */
  Axis<T> optYamlKey(String key) {
    return new Axis<>(name, key, token, level, domain, defaults, fallbackKey, label, inIdOnlyWhenChanged);
  }

  /**
   * The same axis with a single-value alternative key ({@code train.optimizer}): its value becomes
   * the default, and giving both is an error.
   */
  Axis<T> optFallbackKey(String key) {
    return new Axis<>(name, yamlKey, token, level, domain, defaults, key, label, inIdOnlyWhenChanged);
  }

  /** The same axis with its own way of writing a value into ids and the plan. */
  Axis<T> optLabel(Function<T, String> labeller) {
    return new Axis<>(name, yamlKey, token, level, domain, defaults, fallbackKey, labeller, inIdOnlyWhenChanged);
  }

  /**
   * The same axis, left out of the canonical text of ids while it has its default value. Every axis
   * added after sweeps exist must be declared so: the runs those sweeps hold keep their ids, and
   * {@code --resume} still finds them.
   */
  Axis<T> optInIdOnlyWhenChanged() {
    return new Axis<>(name, yamlKey, token, level, domain, defaults, fallbackKey, label, true);
  }

  /** Whether {@code value} belongs in the canonical text of an id. */
  boolean inId(Object value) {
    return !inIdOnlyWhenChanged || !defaults.get(0).equals(value);
  }

  /** The grid key and the result column, e.g. {@code weight_decay}. */
  public String name() {
    return name;
  }

  /** Where it is read: {@code section.key}, e.g. {@code grid.weight_decay}. */
  public String yamlKey() {
    return yamlKey;
  }

  /** Its name inside the canonical text of run and row ids, e.g. {@code wd}. */
  public String token() {
    return token;
  }

  /** Run or cell. */
  public Level level() {
    return level;
  }

  /** What values it allows. */
  public Domain<T> domain() {
    return domain;
  }

  /** Values when the grid does not give it; null when it is required. */
  public List<T> defaults() {
    return defaults;
  }

  /** A single-value key elsewhere in the grid that may give it instead, or null. */
  public String fallbackKey() {
    return fallbackKey;
  }

  /** A value as written in ids and in the plan. */
  public String label(Object value) {
    @SuppressWarnings("unchecked")
    T typed = (T) value;
    return label.apply(typed);
  }

  @Override
  public String toString() {
    return name;
  }
}
