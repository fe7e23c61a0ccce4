package dev.infersweep.grid;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.infersweep.error.ConfigException;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.AxisValues;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.TrainRegime;
import dev.infersweep.spec.TimingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a grid file. This is the one place where defaults meet the YAML; every error
 * is a {@link ConfigException} naming the file and the key path.
 */
public final class GridLoader {
  /** Default ceiling on the rows one grid may produce (override with {@code --allow-large}). */
  public static final long DEFAULT_MAX_ROWS = 100_000;

  // A key given twice is an error, not "the last one wins".
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

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
    try (JsonParser parser = YAML.getFactory().createParser(text)) {
      root = YAML.readTree(parser);
      if (parser.nextToken() != null) {
        // A second document after ---: one of them would silently win.
        JsonLocation loc = parser.currentLocation();
        throw new ConfigException(
            where + ": holds several YAML documents (another starts near line " + loc.getLineNr()
                + "); a grid file is one document");
      }
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      String message = e.getOriginalMessage().lines().findFirst().orElse("");
      if (message.startsWith("Malformed numeric value") && e.getProcessor() instanceof JsonParser p) {
        // YAML's .nan/.inf reach Jackson as numbers it cannot parse: name the key, not the parser.
        throw new ConfigException(
            where + ": " + keyPath(p.getParsingContext()) + ": must be a finite number" + at, e);
      }
      if (message.startsWith("Duplicate field")) {
        throw new ConfigException(
            where + ": " + keyPath(((JsonParser) e.getProcessor()).getParsingContext()) + ": the key is given twice" + at
                + "; give it once", e);
      }
      throw new ConfigException(where + ": malformed YAML" + at + ": " + message, e);
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot read the grid: " + e.getMessage(), e);
    }
    refuseUnderflow(where, text);
    if (root == null || root.isMissingNode() || root.isNull() || (root.isObject() && root.isEmpty())) {
      throw new ConfigException(where + ": the grid file is empty");
    }
    return read(where, new ConfigNode(where, "", root), defaultName);
  }

  /**
   * Refuses a number written non-zero that a double holds as 0 ({@code 1e-400}): the tree would
   * carry it as 0.0, indistinguishable from a 0 the user wrote.
   */
  private static void refuseUnderflow(String where, String text) {
    try (JsonParser scan = YAML.getFactory().createParser(text)) {
      for (JsonToken t = scan.nextToken(); t != null; t = scan.nextToken()) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT && scan.getDoubleValue() == 0 && nonZero(scan.getText())) {
          throw new ConfigException(
              where + ": " + keyPath(scan.getParsingContext()) + ": " + scan.getText()
                  + " is too small for a double and would be read as 0; write 0 or a larger number");
        }
      }
    } catch (IOException e) {
      throw new ConfigException(where + ": cannot read the grid: " + e.getMessage(), e);
    }
  }

  private static boolean nonZero(String number) {
    try {
      return new java.math.BigDecimal(number.trim()).signum() != 0;
    } catch (NumberFormatException e) {
      return false;
    }
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
    if (SourceReader.declares(top)) {
      return SourceReader.grid(where, top, name, maxRows);
    }

    ConfigNode dataNode = top.section("data", false);
    DataSpec data = SettingsReader.data(dataNode);
    ModelSpec model = SettingsReader.model(top.section("model", false), dataNode, data);

    Map<String, ConfigNode> sections = new LinkedHashMap<>();
    sections.put("train", top.section("train", false));
    sections.put("grid", top.section("grid", true));
    sections.put("timing", top.section("timing", false));
    // Each section allows its own keys plus the axes (and single-value alternatives) declared in it.
    Map<String, Set<String>> allowed = new LinkedHashMap<>();
    allowed.put("train", new TreeSet<>(Set.of("timeout_seconds", "batch_size", "momentum", "save_checkpoints")));
    allowed.put("grid", new TreeSet<>(Set.of(STEPS_KEY)));
    allowed.put("timing", new TreeSet<>(TIMING_KEYS));
    for (Axis<?> axis : Axes.ALL) {
      allowed.get(section(axis.yamlKey())).add(key(axis.yamlKey()));
      if (axis.fallbackKey() != null) {
        allowed.get(section(axis.fallbackKey())).add(key(axis.fallbackKey()));
      }
    }
    sections.forEach((section, node) -> node.allowOnly(allowed.get(section)));

    ConfigNode g = sections.get("grid");
    TrainRegime.CheckpointUnit unit = g.has(STEPS_KEY) ? TrainRegime.CheckpointUnit.STEPS : TrainRegime.CheckpointUnit.EPOCHS;
    TrainRegime regime = SettingsReader.regime(sections.get("train"), data, unit);
    Map<Axis<?>, List<?>> values = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      values.put(axis, axis == Axes.EPOCHS && unit == TrainRegime.CheckpointUnit.STEPS ? epochsOfSteps(g, data, regime) : readAxis(axis, sections));
    }
    ScriptedRules.check(where, model, values);
    double trainTimeout = sections.get("train").number("timeout_seconds", 3600.0, 0, true, 7 * 24 * 3600);

    TimingSpec timing = timing(sections.get("timing"));
    GridConfig config =
        new GridConfig(name, where, maxRows, model, data, regime, trainTimeout, AxisValues.of(values), timing,
            ScriptedRules.saveCheckpoints(sections.get("train"), model));
    config.rowCount(); // a grid too large to count is refused here, with its axes' sizes
    return config;
  }

  /** The {@code timing} settings that are not axes, with their defaults. */
  static TimingSpec timing(ConfigNode tm) {
    return new TimingSpec(
            (int) tm.integer("warmup_iterations", 200L, 0, 10_000_000),
            tm.number("warmup_max_seconds", 0.5, 0, true, 3600),
            (int) tm.integer("block_size", 20L, 1, 1_000_000),
            (int) tm.integer("min_blocks", 20L, 2, 1_000_000),
            tm.number("target_ci", 0.01, 0, true, 1),
            tm.number("max_seconds", 2.0, 0, true, 3600),
            (int) tm.integer("seed_iterations", 100L, 1, 10_000_000),
            tm.integer("input_seed", 12345L, 0, Long.MAX_VALUE));
  }

  /** The checkpoints in optimiser steps, the alternative to {@code grid.epochs}. */
  private static final String STEPS_KEY = "steps";

  /**
   * {@code grid.steps} as the epochs axis: each checkpoint must be a whole number of passes over
   * the data (one step per epoch for fresh data, so any step count), so that the epochs and steps
   * columns are both exact.
   */
  @SuppressWarnings("unchecked")
  private static List<Integer> epochsOfSteps(ConfigNode grid, DataSpec data, TrainRegime regime) {
    if (grid.has(Axes.EPOCHS.name())) {
      throw grid.error(STEPS_KEY, "give the checkpoints as grid.epochs or as grid.steps, not both");
    }
    if (data instanceof DataSpec.Table) {
      throw grid.error(STEPS_KEY, "give a table's checkpoints as grid.epochs (its size is known only once read)");
    }
    Axis.Integers<Integer> domain = (Axis.Integers<Integer>) Axes.EPOCHS.domain();
    List<Long> steps = grid.integerList(STEPS_KEY, null, domain.min(), domain.max());
    int perEpoch = regime.stepsPerEpoch(data);
    List<Integer> epochs = new java.util.ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) % perEpoch != 0) {
        throw grid.error(STEPS_KEY + "[" + i + "]", steps.get(i) + " is not a whole number of epochs (" + perEpoch
            + " steps each over " + data.samples() + " samples at batch " + regime.batch(data) + "); give multiples of " + perEpoch + " or use grid.epochs");
      }
      epochs.add((int) (steps.get(i) / perEpoch));
    }
    return epochs;
  }

  /** Timing settings that are not axes. */
  static final Set<String> TIMING_KEYS =
      Set.of(
          "warmup_iterations",
          "warmup_max_seconds",
          "block_size",
          "min_blocks",
          "target_ci",
          "max_seconds",
          "seed_iterations",
          "input_seed");

  static String section(String yamlKey) {
    return yamlKey.substring(0, yamlKey.indexOf('.'));
  }

  static String key(String yamlKey) {
    return yamlKey.substring(yamlKey.indexOf('.') + 1);
  }

  /** An axis' values: its list, else the single value of its alternative key, else its defaults. */
  private static <T> List<T> readAxis(Axis<T> axis, Map<String, ConfigNode> sections) {
    ConfigNode node = sections.get(section(axis.yamlKey()));
    String key = key(axis.yamlKey());
    List<T> defaults = axis.defaults();
    if (axis.fallbackKey() != null) {
      ConfigNode alt = sections.get(section(axis.fallbackKey()));
      String altKey = key(axis.fallbackKey());
      if (alt.has(altKey)) {
        if (node.has(key)) {
          throw node.error(
              key, "give " + axis.name() + " in " + axis.fallbackKey() + " or in " + axis.yamlKey() + ", not both");
        }
        defaults = readValues(axis, alt, altKey, null);
      }
    }
    return readValues(axis, node, key, defaults);
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> readValues(Axis<T> axis, ConfigNode node, String key, List<T> defaults) {
    if (!node.has(key) && defaults != null) {
      return defaults;
    }
    if (axis.domain() instanceof Axis.Integers<T> ints) {
      return node.integerList(key, null, ints.min(), ints.max()).stream().map(ints.convert()).toList();
    }
    if (axis.domain() instanceof Axis.Words<T> words) {
      return node.wordList(key, null, words.parse(), words.allowed());
    }
    Axis.Reals reals = (Axis.Reals) axis.domain();
    List<Double> list = node.numberList(key, null, reals.min(), reals.minExclusive(), reals.max());
    if (reals.asFloat()) {
      for (int i = 0; i < list.size(); i++) {
        double v = list.get(i);
        if (v != 0 && Math.abs((float) v) < Float.MIN_NORMAL) {
          throw node.error(
              node.isList(key) ? key + "[" + i + "]" : key,
              v + " is below fp32's smallest normal number (" + Float.MIN_NORMAL
                  + "), the precision the engine trains in, so it would not act as given");
        }
      }
    }
    return (List<T>) list;
  }
}
