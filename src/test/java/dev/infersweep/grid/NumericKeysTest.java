package dev.infersweep.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.infersweep.error.ConfigException;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Axis;
import dev.infersweep.spec.DeviceKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every numeric key the loader accepts, given the values a user mistypes or a generator emits:
 * non-integral, too large (1e19, past a long), negative, a huge exponent, not a number, -0.0 beside
 * 0.0. Each must be refused with one line naming the file and the key (and, for whole numbers, the
 * range); none may be silently changed into another value.
 */
class NumericKeysTest {
  /**
   * A numeric key.
   *
   * @param path where it is in the YAML ({@code timing.block_size})
   * @param list whether it is an axis' list (else one value)
   * @param whole whole numbers in [min, max] (else reals, whose range the loader's message gives)
   * @param valid a value it accepts
   */
  record Key(String path, boolean list, boolean whole, long min, long max, String valid) {
    static Key whole(String path, long min, long max) {
      return new Key(path, false, true, min, max, Long.toString(min));
    }

    static Key real(String path, String valid) {
      return new Key(path, false, false, 0, 0, valid);
    }

    String range() {
      return "between " + min + " and " + max;
    }
  }

  /** The numeric keys that are not axes, with the ranges docs/configuration.md gives. */
  private static final List<Key> SETTINGS =
      List.of(
          Key.whole("max_rows", 1, Long.MAX_VALUE),
          Key.whole("model.input", 1, 100_000),
          Key.whole("model.hidden", 1, 100_000),
          Key.whole("model.output", 2, 100_000),
          Key.whole("data.samples", 1, 10_000_000),
          Key.whole("data.seed", 0, Long.MAX_VALUE),
          Key.real("train.timeout_seconds", "60"),
          Key.whole("train.batch_size", 1, 10_000_000),
          Key.real("train.momentum", "0.5"),
          new Key("grid.steps", true, true, 0, 10_000_000, "0"),
          Key.whole("model.layers[0].dense", 1, 100_000),
          Key.whole("timing.warmup_iterations", 0, 10_000_000),
          Key.real("timing.warmup_max_seconds", "0.5"),
          Key.whole("timing.block_size", 1, 1_000_000),
          Key.whole("timing.min_blocks", 2, 1_000_000),
          Key.real("timing.target_ci", "0.01"),
          Key.real("timing.max_seconds", "2"),
          Key.whole("timing.seed_iterations", 1, 10_000_000),
          Key.whole("timing.input_seed", 0, Long.MAX_VALUE));

  /** Keys that hold no number: the name, the sections, and word axes (read from {@link Axes}). */
  private static final Set<String> NOT_NUMERIC =
      Set.of("name", "model", "data", "train", "grid", "timing", "model.layers", "model.loss", "data.kind", "data.fresh",
          "model.torchscript", "model.input_dtype", "model.checkpoints", "model.files", "model.baseline", "train.save_checkpoints");

  /**
   * Numeric keys of the other kinds of model, which the model section's message lists with the
   * declared network's: a TorchScript file's and a read source's shapes, id ranges and outputs, read by the same
   * {@code ConfigNode.sizes}, {@code integers} and {@code integer} as the keys here and refused in their own tests
   * ({@code TorchScriptInputTest}, {@code ReadSourceInputTest}, {@code GridLoaderTest}).
   */
  private static final Set<String> OTHER_MODELS = Set.of("model.input_shape", "model.input_range", "model.inputs", "model.outputs");

  /** Every numeric key: each numeric axis at its key (a list) and its single-value key, then the settings. */
  static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    for (Axis<?> axis : Axes.ALL) {
      if (axis.domain() instanceof Axis.Integers<?> ints) {
        keys.add(new Key(axis.yamlKey(), true, true, ints.min(), ints.max(), Long.toString(ints.min())));
        if (axis.fallbackKey() != null) {
          keys.add(new Key(axis.fallbackKey(), false, true, ints.min(), ints.max(), Long.toString(ints.min())));
        }
      } else if (axis.domain() instanceof Axis.Reals reals) {
        String valid = Double.toString((reals.min() + reals.max()) / 2);
        keys.add(new Key(axis.yamlKey(), true, false, 0, 0, valid));
        if (axis.fallbackKey() != null) {
          keys.add(new Key(axis.fallbackKey(), false, false, 0, 0, valid));
        }
      }
    }
    keys.addAll(SETTINGS);
    return keys;
  }

  /** Values no numeric key accepts as given (every key's minimum is at least 0, every maximum finite). */
  private static final List<String> BAD_FOR_ALL =
      List.of("1e19", "1.0e19", "-1", "-2.5", "1e400", "-1e400", ".nan", ".inf", "-.inf", "1e-400");

  /** Values no whole-number key accepts: non-integral, past a long, beyond 2^53 in float notation. */
  private static final List<String> BAD_FOR_WHOLE =
      List.of("2.5", "0.5", "1e-3", "99999999999999999999", "9223372036854775808", "9.223372036854775807e18", "1.0e17");

  private static GridConfig parse(String yaml) {
    return GridLoader.parse("g.yaml", "g", yaml);
  }

  /** A grid that gives {@code key} the YAML {@code value}, and the epochs (required) when it is not them. */
  static String gridWithEpochs(Key key, String value) {
    if (key.path().equals(Axes.EPOCHS.yamlKey())) {
      return "grid: {epochs: " + value + "}\n";
    }
    if (key.path().equals("grid.steps")) {
      return "grid: {steps: " + value + "}\n";
    }
    if (key.path().equals("model.layers[0].dense")) {
      return "model: {layers: [{dense: " + value + ", activation: relu}, {dense: 2}]}\ngrid: {epochs: [0]}\n";
    }
    if (key.path().startsWith("grid.")) {
      return "grid: {epochs: [0], " + key.path().substring("grid.".length()) + ": " + value + "}\n";
    }
    int dot = key.path().indexOf('.');
    String line =
        dot < 0
            ? key.path() + ": " + value
            : key.path().substring(0, dot) + ": {" + key.path().substring(dot + 1) + ": " + value + "}";
    return line + "\ngrid: {epochs: [0]}\n";
  }

  /** Why {@code yaml} was not refused as it should be, or null when it was. */
  private static String refusal(Key key, String value, String where, boolean needsRange) {
    String yaml = gridWithEpochs(key, value);
    Throwable t = catchThrowable(() -> parse(yaml));
    if (!(t instanceof ConfigException e)) {
      return key.path() + " = " + value + ": accepted (" + t + ")";
    }
    String m = e.getMessage();
    if (!m.startsWith("g.yaml: " + where + ":") || m.contains("\n") || m.contains("unknown key")) {
      return key.path() + " = " + value + ": message does not name " + where + ": " + m;
    }
    if (needsRange && key.whole() && !m.contains(key.range())) {
      return key.path() + " = " + value + ": message does not say the range (" + key.range() + "): " + m;
    }
    return null;
  }

  @Test
  void everyNumericKeyRefusesWhatItCannotHoldNamingTheKey() {
    List<String> wrong = new ArrayList<>();
    for (Key key : keys()) {
      // A valid value parses: otherwise the refusals below would prove nothing.
      GridConfig ok = parse(gridWithEpochs(key, key.list() ? "[" + key.valid() + "]" : key.valid()));
      assertThat(ok).as(key.path()).isNotNull();
      List<String> bad = new ArrayList<>(BAD_FOR_ALL);
      if (key.whole()) {
        bad.addAll(BAD_FOR_WHOLE);
        bad.add(Long.toString(key.min() - 1));
        if (key.max() < Long.MAX_VALUE) {
          bad.add(Long.toString(key.max() + 1));
        }
      }
      for (String value : bad) {
        // .nan and .inf fail inside the YAML parser, and a number that underflows to 0 in the
        // loader's scan of the text: both name the key but know no range.
        boolean needsRange = !value.contains("nan") && !value.contains("inf") && !value.equals("1e-400");
        String why =
            key.list()
                ? refusal(key, "[" + key.valid() + ", " + value + "]", key.path() + "[1]", needsRange)
                : refusal(key, value, key.path(), needsRange);
        if (why != null) {
          wrong.add(why);
        }
      }
      if (key.list()) {
        // 0 and -0.0 are one value: refused as a duplicate, or as out of range where 0 is.
        String zero = key.whole() ? "0" : "0.0";
        String why = refusal(key, "[" + zero + ", -0.0]", key.path() + "[" + (acceptsZero(key) ? 1 : 0) + "]", false);
        if (why != null) {
          wrong.add(why);
        }
      }
    }
    assertThat(wrong).as("numeric keys that accepted or misreported a bad value").isEmpty();
  }

  private static boolean acceptsZero(Key key) {
    return catchThrowable(() -> parse(gridWithEpochs(key, key.list() ? "[0]" : "0"))) == null;
  }

  @Test
  void minusZeroBesideZeroIsADuplicate() {
    assertThatThrownBy(() -> parse("grid: {epochs: [0], weight_decay: [0.0, -0.0]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("g.yaml: grid.weight_decay[1]: duplicate value 0.0 (-0.0 is 0.0); each axis value may appear once");
    assertThatThrownBy(() -> parse("grid: {epochs: [0, -0.0]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("g.yaml: grid.epochs[1]: duplicate value 0");
  }

  @Test
  void aLoneMinusZeroIsReadAsZero() {
    GridConfig minus = parse("grid: {epochs: [0], weight_decay: [-0.0]}");
    double wd = minus.axes().get(Axes.WEIGHT_DECAY).get(0);
    assertThat(Double.doubleToRawLongBits(wd)).isEqualTo(Double.doubleToRawLongBits(0.0));
    // The same runs, ids and fingerprint as 0.0.
    GridConfig plus = parse("grid: {epochs: [0], weight_decay: [0.0]}");
    assertThat(GridFingerprint.of(minus, DeviceKind.CPU)).isEqualTo(GridFingerprint.of(plus, DeviceKind.CPU));
    assertThat(parse("grid: {epochs: [0], weight_decay: -0.0}").axes().get(Axes.WEIGHT_DECAY)).containsExactly(0.0);
    assertThat(((dev.infersweep.spec.DataSpec.Synthetic) parse("data: {seed: -0.0}\ngrid: {epochs: [0]}").data()).seed()).isZero();
  }

  @Test
  void aWholeNumberInFloatNotationIsReadWhereItIsExact() {
    assertThat(parse("grid: {epochs: [1e3, 2.0]}").axes().get(Axes.EPOCHS)).containsExactly(1000, 2);
    assertThat(parse("grid: {epochs: [0], seed: [9.007199254740992e15]}").axes().get(Axes.SEED))
        .containsExactly(1L << 53);
    assertThat(parse("grid: {epochs: [0], seed: [9223372036854775807]}").axes().get(Axes.SEED))
        .containsExactly(Long.MAX_VALUE);
  }

  @Test
  void theSeedOfTheIssueIsRefusedWithItsRange() {
    assertThatThrownBy(() -> parse("grid: {epochs: [0], seed: [1e19]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("g.yaml: grid.seed[0]: must be between 0 and 9223372036854775807, found 1.0E19");
    assertThatThrownBy(() -> parse("grid: {epochs: [0, 2.5]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("g.yaml: grid.epochs[1]: expected a whole number between 0 and 10000000, found 2.5");
  }

  /** The list above is complete: every key the loader allows is numeric and covered, or holds no number. */
  @Test
  void theKeysCoverEveryNumericKeyTheLoaderAllows() {
    Set<String> covered = new TreeSet<>();
    keys().forEach(k -> covered.add(k.path()));
    Set<String> words = new TreeSet<>();
    for (Axis<?> axis : Axes.ALL) {
      if (axis.domain() instanceof Axis.Words<?>) {
        words.add(axis.yamlKey());
        if (axis.fallbackKey() != null) {
          words.add(axis.fallbackKey());
        }
      }
    }
    Set<String> allowed = new TreeSet<>();
    for (String section : List.of("", "model", "data", "train", "grid", "timing")) {
      String yaml = section.isEmpty() ? "zzz: 1\n" : section + ": {zzz: 1}\n";
      String message = catchThrowable(() -> parse(yaml + (section.equals("grid") ? "" : "grid: {epochs: [0]}\n"))).getMessage();
      String list = message.substring(message.indexOf("allowed: ") + "allowed: ".length());
      Arrays.stream(list.split(", ")).forEach(k -> allowed.add(section.isEmpty() ? k : section + "." + k));
    }
    allowed.removeAll(NOT_NUMERIC);
    allowed.removeAll(OTHER_MODELS);
    allowed.removeAll(words);
    // A layer's keys sit inside the model.layers list, which the section's message cannot show.
    allowed.add("model.layers[0].dense");
    assertThat(covered).containsExactlyInAnyOrderElementsOf(allowed);
  }
}
