package dev.infersweep.grid;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.infersweep.precision.Precision;
import dev.infersweep.timing.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates a grid file. This is the one place where defaults meet the YAML; every error
 * is a {@link ConfigException} naming the file and the key path.
 */
public final class GridLoader {
  /** Default ceiling on the rows one grid may produce (override with {@code --allow-large}). */
  public static final long DEFAULT_MAX_ROWS = 100_000;

  static final List<String> OPTIMIZERS = List.of("sgd", "adam");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private GridLoader() {}

  public static GridConfig load(Path file) {
    String where = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(where + ": grid file not found");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot read grid file: " + e.getMessage(), e);
    }
    String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return parse(where, base, text);
  }

  /** Parses grid YAML held in memory; {@code where} names it in messages. */
  public static GridConfig parse(String where, String defaultName, String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      String message = e.getOriginalMessage().lines().findFirst().orElse("");
      if (message.startsWith("Malformed numeric value") && e.getProcessor() instanceof JsonParser p) {
        // YAML's .nan/.inf reach Jackson as numbers it cannot parse: name the key, not the parser.
        throw new ConfigException(
            where + ": " + keyPath(p.getParsingContext()) + ": must be a finite number" + at, e);
      }
      throw new ConfigException(where + ": malformed YAML" + at + ": " + message, e);
    }
    if (root == null || root.isMissingNode() || root.isNull() || (root.isObject() && root.isEmpty())) {
      throw new ConfigException(where + ": the grid file is empty");
    }
    return read(where, new ConfigNode(where, "", root), defaultName);
  }

  /** {@code /grid/weight_decay/0} as {@code grid.weight_decay[0]}. */
  private static String keyPath(JsonStreamContext context) {
    StringBuilder path = new StringBuilder();
    for (String part : context.pathAsPointer().toString().split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        path.append('[').append(part).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(part);
      }
    }
    return path.length() == 0 ? "(top level)" : path.toString();
  }

  private static GridConfig read(String where, ConfigNode top, String defaultName) {
    top.allowOnly(Set.of("name", "max_rows", "model", "data", "train", "grid", "timing"));
    String name = top.string("name", defaultName);
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw top.error("name", "'" + name + "' must be 1-64 characters of letters, digits, '.', '_' or '-'");
    }
    long maxRows = top.integer("max_rows", DEFAULT_MAX_ROWS, 1, Long.MAX_VALUE);

    ConfigNode m = top.section("model", false);
    m.allowOnly(Set.of("input", "hidden", "output"));
    ModelSpec model =
        new ModelSpec(
            (int) m.integer("input", 10L, 1, 100_000),
            (int) m.integer("hidden", 50L, 1, 100_000),
            (int) m.integer("output", 2L, 2, 100_000));

    ConfigNode d = top.section("data", false);
    d.allowOnly(Set.of("samples", "seed"));
    DataSpec data = new DataSpec((int) d.integer("samples", 1000L, 1, 10_000_000), d.integer("seed", 0L, 0, Long.MAX_VALUE));

    ConfigNode t = top.section("train", false);
    t.allowOnly(Set.of("optimizer", "learning_rate", "timeout_seconds"));
    String optimizer = t.string("optimizer", "sgd");
    if (!OPTIMIZERS.contains(optimizer)) {
      throw t.error("optimizer", "'" + optimizer + "' is not allowed; allowed: " + String.join(", ", OPTIMIZERS));
    }
    double learningRate = t.number("learning_rate", 0.01, 0, true, 100);
    double trainTimeout = t.number("timeout_seconds", 3600.0, 0, true, 7 * 24 * 3600);

    ConfigNode g = top.section("grid", true);
    g.allowOnly(
        Set.of("epochs", "weight_decay", "activation_scale", "precision", "seed", "protocol", "optimizer"));
    if (g.has("optimizer") && t.has("optimizer")) {
      throw g.error("optimizer", "give the optimizer in train.optimizer or in grid.optimizer, not both");
    }
    GridConfig.Axes axes =
        new GridConfig.Axes(
            g.integerList("epochs", null, 0, 10_000_000).stream().map(Long::intValue).toList(),
            g.numberList("weight_decay", List.of(0.0), 0, false, 1000),
            g.numberList("activation_scale", List.of(1.0), 0, true, 1e6),
            g.wordList("precision", List.of(Precision.FP32), Precision::parse, Precision.labels()),
            g.integerList("seed", List.of(0L), 0, Long.MAX_VALUE),
            g.wordList("protocol", List.of(Protocol.RIGOROUS), Protocol::parse, Protocol.labels()),
            g.wordList("optimizer", List.of(optimizer), o -> OPTIMIZERS.contains(o) ? o : null, OPTIMIZERS));

    ConfigNode tm = top.section("timing", false);
    tm.allowOnly(
        Set.of(
            "batch_sizes",
            "warmup_iterations",
            "warmup_max_seconds",
            "block_size",
            "min_blocks",
            "target_ci",
            "max_seconds",
            "seed_iterations",
            "input_seed"));
    TimingSpec timing =
        new TimingSpec(
            tm.integerList("batch_sizes", List.of(1L), 1, 1_000_000).stream().map(Long::intValue).toList(),
            (int) tm.integer("warmup_iterations", 200L, 0, 10_000_000),
            tm.number("warmup_max_seconds", 0.5, 0, true, 3600),
            (int) tm.integer("block_size", 20L, 1, 1_000_000),
            (int) tm.integer("min_blocks", 20L, 2, 1_000_000),
            tm.number("target_ci", 0.01, 0, true, 1),
            tm.number("max_seconds", 2.0, 0, true, 3600),
            (int) tm.integer("seed_iterations", 100L, 1, 10_000_000),
            tm.integer("input_seed", 12345L, 0, Long.MAX_VALUE));

    return new GridConfig(
        name, where, maxRows, model, data, learningRate, trainTimeout, axes, timing);
  }
}
