package dev.infersweep.grid;

import dev.infersweep.error.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * A position in the parsed YAML tree that knows its file and key path, so that every validation
 * error can say exactly where it is ({@code conf/x.yaml: grid.epochs[2]: ...}).
 */
final class ConfigNode {
  private final String file;
  private final String path;
  private final JsonNode node;

  ConfigNode(String file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  ConfigException error(String key, String message) {
    return new ConfigException(file + ": " + join(key) + ": " + message);
  }

  private String join(String key) {
    if (key == null || key.isEmpty()) {
      return path.isEmpty() ? "(top level)" : path;
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Rejects keys outside {@code allowed}, suggesting the closest allowed key. */
  void allowOnly(Set<String> allowed) {
    if (!node.isObject()) {
      throw error("", "expected a mapping of keys, found " + describe(node));
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String hint = closest(name, allowed);
        throw error(
            name,
            "unknown key"
                + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                + "; allowed: "
                + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  /** A nested mapping; a missing optional section reads as an empty mapping. */
  ConfigNode section(String key, boolean required) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      if (required) {
        throw error(key, "missing required section");
      }
      return new ConfigNode(file, join(key), JsonNodeFactory.instance.objectNode());
    }
    if (!child.isObject()) {
      throw error(key, "expected a mapping of keys, found " + describe(child));
    }
    return new ConfigNode(file, join(key), child);
  }

  /** A sequence of mappings ({@code model.layers}), each as a node named {@code key[i]}. */
  List<ConfigNode> mappings(String key) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      throw error(key, "missing required key");
    }
    if (!child.isArray() || child.isEmpty()) {
      throw error(key, "expected a non-empty list of mappings, found " + describe(child));
    }
    List<ConfigNode> out = new java.util.ArrayList<>();
    for (int i = 0; i < child.size(); i++) {
      JsonNode item = child.get(i);
      ConfigNode element = new ConfigNode(file, join(key) + "[" + i + "]", item);
      if (!item.isObject()) {
        throw element.error("", "expected a mapping of keys, found " + describe(item));
      }
      out.add(element);
    }
    return out;
  }

  /** {@code true} or {@code false}; {@code fallback} when absent. */
  boolean flag(String key, boolean fallback) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      return fallback;
    }
    if (!child.isBoolean()) {
      throw error(key, "expected true or false, found " + describe(child));
    }
    return child.booleanValue();
  }

  /** A non-empty list of distinct non-empty strings, kept as written (column names). */
  List<String> strings(String key) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      throw error(key, "missing required key");
    }
    if (!child.isArray() || child.isEmpty()) {
      throw error(key, "expected a non-empty list of names, found " + describe(child));
    }
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < child.size(); i++) {
      JsonNode item = child.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        throw error(key + "[" + i + "]", "expected a column name, found " + describe(item));
      }
      if (out.contains(item.asText())) {
        throw error(key + "[" + i + "]", "'" + item.asText() + "' is given twice");
      }
      out.add(item.asText());
    }
    return out;
  }

  /** Whether {@code key} holds a YAML sequence (rather than a single value). */
  boolean isList(String key) {
    JsonNode child = node.get(key);
    return child != null && child.isArray();
  }

  boolean has(String key) {
    JsonNode child = node.get(key);
    return child != null && !child.isNull();
  }

  String string(String key, String fallback) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      return fallback;
    }
    if (!child.isTextual()) {
      throw error(key, "expected a string, found " + describe(child));
    }
    return child.asText();
  }

  /** A whole number in [min, max]; {@code fallback} when absent (null fallback makes it required). */
  long integer(String key, Long fallback, long min, long max) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      if (fallback == null) {
        throw error(key, "missing required key");
      }
      return fallback;
    }
    return checkInteger(key, child, min, max);
  }

  /** A finite number in [min, max]; {@code minExclusive} makes the lower bound strict. */
  double number(String key, Double fallback, double min, boolean minExclusive, double max) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      if (fallback == null) {
        throw error(key, "missing required key");
      }
      return fallback;
    }
    return checkNumber(key, child, min, minExclusive, max);
  }

  List<Long> integerList(String key, List<Long> fallback, long min, long max) {
    return list(key, fallback, (k, n) -> checkInteger(k, n, min, max));
  }

  List<Double> numberList(
      String key, List<Double> fallback, double min, boolean minExclusive, double max) {
    return list(key, fallback, (k, n) -> checkNumber(k, n, min, minExclusive, max));
  }

  /** A list of enum-like words, each parsed by {@code parser} (which returns null when unknown). */
  <T> List<T> wordList(
      String key, List<T> fallback, Function<String, T> parser, List<String> allowed) {
    return list(
        key,
        fallback,
        (k, n) -> {
          if (!n.isTextual()) {
            throw error(k, "expected one of " + String.join(", ", allowed) + ", found " + describe(n));
          }
          T value = parser.apply(n.asText().toLowerCase(Locale.ROOT));
          if (value == null) {
            throw error(
                k, "'" + n.asText() + "' is not allowed; allowed: " + String.join(", ", allowed));
          }
          return value;
        });
  }

  private interface ElementReader<T> {
    T read(String key, JsonNode node);
  }

  private <T> List<T> list(String key, List<T> fallback, ElementReader<T> reader) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      if (fallback == null) {
        throw error(key, "missing required key");
      }
      return fallback;
    }
    List<T> values = new ArrayList<>();
    if (!child.isArray()) {
      // A scalar is accepted as a one-value axis: `seed: 1` means `seed: [1]`.
      values.add(reader.read(key, child));
      return List.copyOf(values);
    }
    if (child.isEmpty()) {
      throw error(key, "must list at least one value");
    }
    Set<T> seen = new HashSet<>();
    for (int i = 0; i < child.size(); i++) {
      String elementKey = key + "[" + i + "]";
      T value = reader.read(elementKey, child.get(i));
      if (!seen.add(value)) {
        String sign = isNegativeZero(child.get(i)) ? " (-0.0 is 0.0)" : "";
        throw error(elementKey, "duplicate value " + value + sign + "; each axis value may appear once");
      }
      values.add(value);
    }
    return List.copyOf(values);
  }

  /**
   * Every whole number up to 2^53 is exact as a double: beyond it, a number written with a decimal
   * point or an exponent ({@code 1.0e17}) may already have been rounded to another one.
   */
  private static final BigDecimal EXACT_DOUBLE = BigDecimal.valueOf(1L << 53);

  private long checkInteger(String key, JsonNode n, long min, long max) {
    String range = "a whole number between " + min + " and " + max;
    if (!n.isNumber()) {
      throw error(key, "expected " + range + ", found " + describe(n));
    }
    if (!n.isIntegralNumber() && !Double.isFinite(n.asDouble())) {
      throw error(key, "expected " + range + ", found " + n.asText());
    }
    // Exactly the number the parser read (a double's binary value, not a rounding of it).
    BigDecimal value = n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : exact(n);
    if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
      throw error(key, "expected " + range + ", found " + n.asText());
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw error(key, "must be between " + min + " and " + max + ", found " + n.asText());
    }
    if (!n.isIntegralNumber() && value.abs().compareTo(EXACT_DOUBLE) > 0) {
      throw error(
          key,
          n.asText() + " is written with a decimal point or exponent and is beyond 2^53, where such a"
              + " number may already be rounded; write its digits (" + range + ")");
    }
    return value.longValueExact();
  }

  private static BigDecimal exact(JsonNode n) {
    return n.isBigDecimal() ? n.decimalValue() : new BigDecimal(n.asDouble());
  }

  private double checkNumber(String key, JsonNode n, double min, boolean minExclusive, double max) {
    double value;
    if (n.isNumber()) {
      value = n.asDouble();
    } else if (n.isTextual() && isSpecialFloat(n.asText())) {
      // YAML's .nan and .inf arrive as numbers or strings depending on the parser; refuse both.
      throw error(key, "must be a finite number, found " + n.asText());
    } else {
      throw error(key, "expected a number, found " + describe(n));
    }
    if (!Double.isFinite(value)) {
      throw error(key, "must be a finite number, found " + value);
    }
    // -0.0 is 0.0: one value, one run (and one id), whichever sign the file gives it.
    value = value == 0 ? 0.0 : value;
    boolean tooLow = minExclusive ? value <= min : value < min;
    if (tooLow || value > max) {
      throw error(
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

  private static boolean isNegativeZero(JsonNode n) {
    return n.isFloatingPointNumber() && Double.doubleToRawLongBits(n.asDouble()) == Double.doubleToRawLongBits(-0.0);
  }

  private static boolean isSpecialFloat(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals(".nan") || t.equals("nan") || t.endsWith(".inf") || t.endsWith("infinity");
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  static String describe(JsonNode n) {
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isTextual()) {
      return "'" + n.asText() + "'";
    }
    if (n.isBoolean()) {
      return "boolean " + n.asText();
    }
    return n.asText();
  }

  /** The allowed key nearest to {@code name} by edit distance, if it is plausibly a typo. */
  static String closest(String name, Set<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int d = levenshtein(name.toLowerCase(Locale.ROOT), candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
