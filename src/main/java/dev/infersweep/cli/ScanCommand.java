package dev.infersweep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.infersweep.error.ConfigException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spark.SweepJob;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sweep scan}: times models that already exist, without a grid file. The options become the
 * grid a file would hold ({@code model.files}, or {@code model.checkpoints} with {@code --series} or
 * {@code --baseline}), read by the same loader, so every rule and message is the grid's.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = "Time models that already exist (a registry, or a series of checkpoints) against their controls; nothing is trained.")
public final class ScanCommand implements Callable<Integer> {
  @Option(names = "--models", required = true, arity = "1..*", paramLabel = "GLOB",
      description = "Model files: paths or globs over any Hadoop file system (** matches any folders).")
  List<String> models;

  @Option(names = "--input-shape", split = ",", arity = "1..*", paramLabel = "N",
      description = "One sample's shape without the batch dimension, e.g. 20 or 3,32,32 (or --input, for several inputs).")
  List<Long> inputShape;

  @Option(names = "--input", paramLabel = "SHAPE[:TYPE[:LOW,HIGH]]",
      description = "One input of a model that takes several, in forward's order (repeat it): its shape, type and ids' range,"
          + " e.g. --input 16:int64:0,30000 --input 16 (model.inputs).")
  List<String> input;

  @Option(names = "--input-dtype", paramLabel = "TYPE",
      description = "The input's element type: float32 (default), int64 or int32 (token ids; needs --input-range).")
  String inputDtype;

  @Option(names = "--input-range", split = ",", paramLabel = "N",
      description = "Integer ids' range low,high (high excluded), e.g. 0,30000; with --input-dtype int64 or int32.")
  List<Long> inputRange;

  @Option(names = "--series", description = "The files are checkpoints of one run, ordered by the last number in each name.")
  boolean series;

  @Option(names = "--baseline", paramLabel = "FILE", description = "The series' baseline (default: its first checkpoint); implies --series.")
  String baseline;

  @Option(names = "--batch-sizes", split = ",", paramLabel = "N", description = "Inference batch sizes (default: 1).")
  List<Long> batchSizes;

  @Option(names = "--max-seconds", paramLabel = "S", description = "Timing budget per row in seconds (default: the grid's, 2).")
  Double maxSeconds;

  @Option(names = "--name", defaultValue = "scan", paramLabel = "NAME", description = "The sweep's name (default: ${DEFAULT-VALUE}).")
  String name;

  @Mixin RunOptions runOptions = new RunOptions();

  @Override
  public Integer call() {
    SweepJob.Summary summary = execute(System.out);
    return summary.anyFailed() ? Main.RUNS_FAILED : Main.OK;
  }

  public SweepJob.Summary execute(PrintStream console) {
    return RunCommand.execute(grid(), runOptions, console);
  }

  /**
   * One {@code --input SHAPE[:TYPE[:LOW,HIGH]]} as the grid's {@code {shape, dtype, range}}; the
   * loader checks the values, so a bad one is the grid's message naming {@code model.inputs[k]}.
   */
  static Map<String, Object> input(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length > 3 || parts[0].isBlank()) {
      throw new ConfigException("scan options: --input " + text + ": expected SHAPE[:TYPE[:LOW,HIGH]], e.g. 16:int64:0,30000 or 3,32,32");
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("shape", numbers(text, parts[0]));
    if (parts.length > 1) {
      spec.put("dtype", parts[1]);
    }
    if (parts.length > 2) {
      spec.put("range", numbers(text, parts[2]));
    }
    return spec;
  }

  private static List<Long> numbers(String text, String list) {
    try {
      return java.util.Arrays.stream(list.split(",", -1)).map(String::strip).map(Long::valueOf).toList();
    } catch (NumberFormatException e) {
      throw new ConfigException("scan options: --input " + text + ": '" + list + "' is not a list of integers"
          + " (expected SHAPE[:TYPE[:LOW,HIGH]], e.g. 16:int64:0,30000)", e);
    }
  }

  /** The grid these options stand for. */
  GridConfig grid() {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put(series || baseline != null ? "checkpoints" : "files", new ArrayList<>(models));
    if (inputShape != null) {
      model.put("input_shape", inputShape);
    }
    if (input != null) {
      model.put("inputs", input.stream().map(ScanCommand::input).toList());
    }
    if (inputShape == null && input == null) {
      throw new ConfigException("scan options: --input-shape (one input) or --input (each of several) is required");
    }
    if (inputDtype != null) {
      model.put("input_dtype", inputDtype);
    }
    if (inputRange != null) {
      model.put("input_range", inputRange);
    }
    if (baseline != null) {
      model.put("baseline", baseline);
    }
    Map<String, Object> grid = new LinkedHashMap<>();
    grid.put("name", name);
    grid.put("model", model);
    Map<String, Object> timing = new LinkedHashMap<>();
    if (batchSizes != null) {
      timing.put("batch_sizes", batchSizes);
    }
    if (maxSeconds != null) {
      timing.put("max_seconds", maxSeconds);
    }
    if (!timing.isEmpty()) {
      grid.put("timing", timing);
    }
    try {
      String yaml = new ObjectMapper(new YAMLFactory()).writeValueAsString(grid);
      return GridLoader.parse("scan options", name, yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException("scan options: " + e.getOriginalMessage(), e);
    }
  }
}
