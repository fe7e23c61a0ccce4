package dev.infersweep.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one convention for the enums of grid files and result rows: an enum constant's label is its
 * name in lower case ({@code FP32} is {@code fp32}).
 */
final class Labels {
  private Labels() {}

  static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /** The constant of {@code type} labelled {@code label}; null when none is. */
  static <E extends Enum<E>> E parse(Class<E> type, String label) {
    for (E constant : type.getEnumConstants()) {
      if (of(constant).equals(label)) {
        return constant;
      }
    }
    return null;
  }

  /** Every label of {@code type}, in declaration order. */
  static <E extends Enum<E>> List<String> all(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Labels::of).toList();
  }
}
