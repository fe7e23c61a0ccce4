package dev.infersweep.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value for each of some axes: a run's settings (the run-level axes) or a measurement cell (the
 * cell-level axes). Values are keyed by axis name, so a point travels to executors without the axis
 * declarations.
 */
public final class Point implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Object> values;

  private Point(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The point with no axis set. */
  public static Point empty() {
    return new Point(Map.of());
  }

  /** This point with {@code axis} set to {@code value} (added last). */
  public <T> Point with(Axis<T> axis, T value) {
    Map<String, Object> next = new LinkedHashMap<>(values);
    next.put(axis.name(), value);
    return new Point(next);
  }

  /**
   * The value of {@code axis}.
   *
   * @throws IllegalArgumentException when this point does not set it
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Axis<T> axis) {
    Object value = values.get(axis.name());
    if (value == null) {
      throw new IllegalArgumentException("'" + axis.name() + "' is not set in " + this);
    }
    return (T) value;
  }

  /** Whether this point sets {@code axis}. */
  public boolean has(Axis<?> axis) {
    return values.containsKey(axis.name());
  }

  /** This point restricted to {@code axes}. */
  public Point only(List<Axis<?>> axes) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (Axis<?> axis : axes) {
      if (values.containsKey(axis.name())) {
        kept.put(axis.name(), values.get(axis.name()));
      }
    }
    return new Point(kept);
  }

  /** {@code token=label;token=label} over {@code axes}, in their order: the text ids hash. */
  public String canonical(List<Axis<?>> axes) {
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : axes) {
      if (axis.inId(get(axis))) {
        parts.add(axis.token() + "=" + axis.label(get(axis)));
      }
    }
    return String.join(";", parts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Point p && p.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
