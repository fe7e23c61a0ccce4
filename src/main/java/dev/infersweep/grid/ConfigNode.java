package dev.infersweep.grid;

import dev.infersweep.error.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
        String hint = KeyHints.closest(name, allowed);
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

  /**
   * A non-empty list whose elements may be of any kind ({@code model.files}: paths or mappings), each
   * as a node named {@code key[i]}; a single value reads as a list of one.
   */
  List<ConfigNode> elements(String key) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull() || (child.isArray() && child.isEmpty())) {
      throw error(key, "missing required key (a non-empty list)");
    }
    List<ConfigNode> out = new java.util.ArrayList<>();
    for (int i = 0; i < (child.isArray() ? child.size() : 1); i++) {
      out.add(new ConfigNode(file, join(key) + (child.isArray() ? "[" + i + "]" : ""), child.isArray() ? child.get(i) : child));
    }
    return out;
  }

  /** This node's own text, when it is a non-blank string; else null. */
  String text() {
    return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }

  /** Whether this node is a mapping. */
  boolean isMapping() {
    return node.isObject();
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
    return NumberRules.integer(this, key, child, min, max);
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
    return NumberRules.number(this, key, child, min, minExclusive, max);
  }

  List<Long> integerList(String key, List<Long> fallback, long min, long max) {
    return list(key, fallback, (k, n) -> NumberRules.integer(this, k, n, min, max));
  }

  /** A shape: one or more positive sizes, repeats allowed ({@code [3, 32, 32]}). */
  List<Long> sizes(String key, long max) {
    return integers(key, 1, max, "sizes", "[3, 32, 32]");
  }

  /** A non-empty list of whole numbers in [min, max], repeats allowed (a shape, a range such as {@code [0, 30000]}). */
  List<Long> integers(String key, long min, long max, String what, String example) {
    JsonNode child = node.get(key);
    if (child == null || !child.isArray() || child.isEmpty()) {
      throw error(key, "expected a list of one or more " + what + ", such as " + example + ", found " + (child == null ? "nothing" : describe(child)));
    }
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < child.size(); i++) {
      values.add(NumberRules.integer(this, key + "[" + i + "]", child.get(i), min, max));
    }
    return values;
  }

  List<Double> numberList(
      String key, List<Double> fallback, double min, boolean minExclusive, double max) {
    return list(key, fallback, (k, n) -> NumberRules.number(this, k, n, min, minExclusive, max));
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
        String sign = NumberRules.isNegativeZero(child.get(i)) ? " (-0.0 is 0.0)" : "";
        throw error(elementKey, "duplicate value " + value + sign + "; each axis value may appear once");
      }
      values.add(value);
    }
    return List.copyOf(values);
  }

  static String describe(JsonNode n) {
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return n.isEmpty() ? "an empty list" : "a list";
    }
    if (n.isTextual()) {
      return "'" + n.asText() + "'";
    }
    if (n.isBoolean()) {
      return "boolean " + n.asText();
    }
    return n.asText();
  }
}
