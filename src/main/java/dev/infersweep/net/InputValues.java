package dev.infersweep.net;

import java.io.Serializable;

/**
 * What one input of a model holds beyond its shape: its element type and, for integer ids, the range
 * {@code [low, high)} synthetic ids are drawn from uniformly (a vocabulary size cannot be guessed, so
 * an integer type needs one). Ids travel as floats until the tensor is made, so the range stays
 * within {@link #MAX_ID}, where every integer is exact in a float.
 *
 * @param low the smallest id (integer types only; 0 for float32)
 * @param high one past the largest id (integer types only; 0 for float32)
 */
public record InputValues(InputType type, long low, long high) implements Serializable {
  /** 2^24: every integer in [0, 2^24] is exact in a float32. */
  public static final long MAX_ID = 1L << 24;

  /** Standard-normal or uniform float32 features, as the data's distribution draws them. */
  public static final InputValues FLOAT32 = new InputValues(InputType.FLOAT32, 0, 0);

  public InputValues {
    if (type.integer() && (low < 0 || high <= low || high > MAX_ID)) {
      throw new IllegalArgumentException("input_range needs 0 <= low < high <= " + MAX_ID + ", not [" + low + ", " + high + ")");
    }
    if (!type.integer() && (low != 0 || high != 0)) {
      throw new IllegalArgumentException("input_range applies to integer input types, not " + type.label());
    }
  }

  /** Integer ids uniform in {@code [low, high)}. */
  public static InputValues ids(InputType type, long low, long high) {
    return new InputValues(type, low, high);
  }

  public boolean integer() {
    return type.integer();
  }

  /** The canonical text for run ids: empty for float32 (so existing ids stay), else type and range. */
  public String canonical() {
    return integer() ? ";dtype=" + type.label() + ";range=" + low + "-" + high : "";
  }

  /** For the plan and messages: empty for float32, else e.g. {@code int64 ids in [0, 100)}. */
  public String describe() {
    return integer() ? " " + type.label() + " ids in [" + low + ", " + high + ")" : "";
  }
}
