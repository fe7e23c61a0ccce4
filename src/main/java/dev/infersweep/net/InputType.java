package dev.infersweep.net;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The element type of a model's input ({@code model.input_dtype}): floating features or integer ids. */
public enum InputType {
  FLOAT32,
  INT64,
  INT32;

  /** The grid's word for it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether inputs are integer ids, drawn uniformly from {@code model.input_range}. */
  public boolean integer() {
    return this != FLOAT32;
  }

  /** The type for {@code word}, or null when none is called that. */
  public static InputType parse(String word) {
    return Arrays.stream(values()).filter(t -> t.label().equals(word)).findFirst().orElse(null);
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(InputType::label).toList();
  }
}
