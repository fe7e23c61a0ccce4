package dev.infersweep.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a grid gives each axis, in {@link Axes} order. Expansion into points and every count
 * derive from it; counts use checked arithmetic, so a grid too large to count is refused rather
 * than wrapped round.
 */
public final class AxisValues implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, List<Object>> values;

  private AxisValues(Map<String, List<Object>> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** Values for each of {@code axes}, which must all be present. */
  public static AxisValues of(Map<Axis<?>, List<?>> byAxis) {
    Map<String, List<Object>> values = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      List<?> list = byAxis.get(axis);
      if (list != null) {
        if (list.isEmpty()) {
          throw new IllegalArgumentException("'" + axis.name() + "' must have at least one value");
        }
        values.put(axis.name(), List.copyOf(list));
      }
    }
    return new AxisValues(values);
  }

  /** The values of {@code axis}. */
  @SuppressWarnings("unchecked")
  public <T> List<T> get(Axis<T> axis) {
    List<Object> list = values.get(axis.name());
    if (list == null) {
      throw new IllegalArgumentException("'" + axis.name() + "' has no values here");
    }
    return (List<T>) list;
  }

  /** The same values for {@code axes} only. */
  public AxisValues only(List<Axis<?>> axes) {
    Map<String, List<Object>> kept = new LinkedHashMap<>();
    for (Axis<?> axis : axes) {
      kept.put(axis.name(), values.get(axis.name()));
    }
    return new AxisValues(kept);
  }

  /**
   * The product of the value counts of {@code axes}.
   *
   * @throws ArithmeticException when it does not fit a {@code long}
   */
  public long count(List<Axis<?>> axes) {
    long n = 1;
    for (Axis<?> axis : axes) {
      n = Math.multiplyExact(n, get(axis).size());
    }
    return n;
  }

  /** Every combination of {@code axes}' values, the first axis outermost. */
  public List<Point> points(List<Axis<?>> axes) {
    List<Point> points = new ArrayList<>(Math.toIntExact(count(axes)));
    expand(axes, 0, Point.empty(), points);
    return List.copyOf(points);
  }

  @SuppressWarnings("unchecked")
  private void expand(List<Axis<?>> axes, int depth, Point prefix, List<Point> out) {
    if (depth == axes.size()) {
      out.add(prefix);
      return;
    }
    Axis<Object> axis = (Axis<Object>) axes.get(depth);
    for (Object value : get(axis)) {
      expand(axes, depth + 1, prefix.with(axis, value), out);
    }
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
