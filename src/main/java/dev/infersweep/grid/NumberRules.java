package dev.infersweep.grid;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The grid's rules for a number in the YAML: a whole number is exactly the one written (never a
 * rounded double) and in its range, any other number is finite and in its range, and -0.0 reads as
 * 0.0. {@link ConfigNode} applies them at its position, so that each error names the key.
 */
final class NumberRules {
  private NumberRules() {}

  /**
   * Every whole number up to 2^53 is exact as a double: beyond it, a number written with a decimal
   * point or an exponent ({@code 1.0e17}) may already have been rounded to another one.
   */
  private static final BigDecimal EXACT_DOUBLE = BigDecimal.valueOf(1L << 53);

  /** {@code n} as a whole number in [min, max], exactly as written. */
  static long integer(ConfigNode at, String key, JsonNode n, long min, long max) {
    String range = "a whole number between " + min + " and " + max;
    if (!n.isNumber()) {
      throw at.error(key, "expected " + range + ", found " + ConfigNode.describe(n));
    }
    if (!n.isIntegralNumber() && !Double.isFinite(n.asDouble())) {
      throw at.error(key, "expected " + range + ", found " + n.asText());
    }
    // Exactly the number the parser read (a double's binary value, not a rounding of it).
    BigDecimal value = n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : exact(n);
    if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
      throw at.error(key, "expected " + range + ", found " + n.asText());
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw at.error(key, "must be between " + min + " and " + max + ", found " + n.asText());
    }
    if (!n.isIntegralNumber() && value.abs().compareTo(EXACT_DOUBLE) > 0) {
      throw at.error(
          key,
          n.asText() + " is written with a decimal point or exponent and is beyond 2^53, where such a"
              + " number may already be rounded; write its digits (" + range + ")");
    }
    return value.longValueExact();
  }

  private static BigDecimal exact(JsonNode n) {
    return n.isBigDecimal() ? n.decimalValue() : new BigDecimal(n.asDouble());
  }

  /** {@code n} as a finite number in [min, max] ({@code minExclusive}: above min), -0.0 as 0.0. */
  static double number(ConfigNode at, String key, JsonNode n, double min, boolean minExclusive, double max) {
    double value;
    if (n.isNumber()) {
      value = n.asDouble();
    } else if (n.isTextual() && isSpecialFloat(n.asText())) {
      // YAML's .nan and .inf arrive as numbers or strings depending on the parser; refuse both.
      throw at.error(key, "must be a finite number, found " + n.asText());
    } else {
      throw at.error(key, "expected a number, found " + ConfigNode.describe(n));
    }
    if (!Double.isFinite(value)) {
      throw at.error(key, "must be a finite number, found " + value);
    }
    // -0.0 is 0.0: one value, one run (and one id), whichever sign the file gives it.
    value = value == 0 ? 0.0 : value;
    boolean tooLow = minExclusive ? value <= min : value < min;
    if (tooLow || value > max) {
      throw at.error(
          key,
          "must be "
              + (minExclusive ? "> " : ">= ")
              + fmt(min)
              + (max < Double.MAX_VALUE ? " and <= " + fmt(max) : "")
              + ", found "
              + fmt(value));
    }
    return value;
  }

  /** Whether {@code n} is written as -0.0 (read as 0.0, so a duplicate of it). */
  static boolean isNegativeZero(JsonNode n) {
    return n.isFloatingPointNumber() && Double.doubleToRawLongBits(n.asDouble()) == Double.doubleToRawLongBits(-0.0);
  }

  private static boolean isSpecialFloat(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals(".nan") || t.equals("nan") || t.endsWith(".inf") || t.endsWith("infinity");
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
