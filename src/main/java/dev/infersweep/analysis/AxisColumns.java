package dev.infersweep.analysis;

import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The axes as the views and analyses group by them, derived from {@link Axes}, so that a new axis
 * joins the views, verdicts, causes, remedies and the effect model without an edit here. The files of
 * {@code conf/sql/} name these lists as placeholders, which {@link #fill} replaces.
 */
final class AxisColumns {
  /**
   * Not part of a configuration: the seed is its replicate, epochs its checkpoints, and only
   * rigorous rows are judged.
   */
  private static final List<Axis<?>> NOT_CONFIGURATION = List.of(Axes.SEED, Axes.EPOCHS, Axes.PROTOCOL);

  /** A training run's settings: every run-level axis, the seed included ({@code ${run_axes}}). */
  static final List<String> RUN = names(Axes.RUN);

  /** A configuration: every axis but the seed, epochs and the protocol ({@code ${configuration_axes}}). */
  static final List<String> CONFIGURATION = names(Axes.ALL.stream().filter(a -> !NOT_CONFIGURATION.contains(a)).toList());

  /** The cell-level part of a configuration: what one run's rows at one checkpoint differ in. */
  static final List<String> CELL_CONFIGURATION = names(Axes.CELL.stream().filter(a -> !NOT_CONFIGURATION.contains(a)).toList());

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");

  private AxisColumns() {}

  /** {@code sql} with each placeholder replaced by its list of columns, comma-separated. */
  static String fill(String sql) {
    Matcher m = PLACEHOLDER.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      List<String> columns = switch (m.group(1)) {
        case "run_axes" -> RUN;
        case "configuration_axes" -> CONFIGURATION;
        default -> throw new IllegalStateException("unknown placeholder " + m.group() + " in the SQL");
      };
      m.appendReplacement(out, String.join(", ", columns));
    }
    return m.appendTail(out).toString();
  }

  /** Whether the axis called {@code name} takes words (optimizer, precision): a factor of levels. */
  static boolean words(String name) {
    return Axes.named(name).domain() instanceof Axis.Words;
  }

  private static List<String> names(List<Axis<?>> axes) {
    return axes.stream().map(Axis::name).toList();
  }
}
