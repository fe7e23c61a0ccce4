package dev.infersweep.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of a sweep that runs ({@code run} and {@code scan}): where it writes, its id, and Spark's settings. */
final class RunOptions {
  @Option(names = {"--out", "--results"}, paramLabel = "DIR", defaultValue = "results",
      description = "Results root (default: ${DEFAULT-VALUE}); any Hadoop path. --results is the name sql, report and compare use.")
  String out;


  @Option(names = "--sweep-id", paramLabel = "ID", description = "Sweep identifier (default: <grid name>-<UTC time>).")
  String sweepId;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Sweep date (default: today, UTC).")
  String date;

  @Option(names = "--allow-large", description = "Run a grid with more rows than its max_rows.")
  boolean allowLarge;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu", description = "Where runs train and are timed (default: ${DEFAULT-VALUE}); gpu uses the GPU Spark assigns each task.")
  String device;

  @Option(names = "--resume", description = "If the sweep id exists, keep its ok rows and run only what is missing or failed (also new axis values).")
  boolean resume;

  @Option(names = "--overwrite", description = "If the sweep id exists, replace it.")
  boolean overwrite;

  @Option(names = "--deadline", paramLabel = "DURATION",
      description = "Stop the sweep after this long (e.g. 90m, 2h, 45s, PT1H30M): runs not finished by then are cancelled and written as failed rows with that reason (exit 3).")
  String deadline;

  @Mixin SparkOptions sparkOptions = new SparkOptions();
}
