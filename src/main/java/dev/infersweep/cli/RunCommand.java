package dev.infersweep.cli;

import dev.infersweep.analysis.Answer;
import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spark.ReadSource;
import dev.infersweep.spark.TorchScriptFile;
import org.apache.hadoop.conf.Configuration;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Ids;
import dev.infersweep.spark.SweepJob;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sweep run}: trains and times every run of a grid file and writes one Parquet partition. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a sweep: expand the grid, train and time each run on Spark, write Parquet.")
public final class RunCommand implements Callable<Integer> {
  @Option(names = "--grid", required = true, paramLabel = "FILE", description = "Grid file (YAML), e.g. conf/smoke.yaml.")
  Path grid;

  @Mixin RunOptions options = new RunOptions();


  @Override
  public Integer call() {
    SweepJob.Summary summary = execute(System.out);
    return summary.anyFailed() ? Main.RUNS_FAILED : Main.OK;
  }

  /** Runs the sweep and prints progress and the summary to {@code console}. */
  public SweepJob.Summary execute(PrintStream console) {
    return execute(GridLoader.load(grid), options, console);
  }

  /** Runs the sweep of {@code loaded} (read from a file, or made from {@code scan}'s options). */
  static SweepJob.Summary execute(GridConfig loaded, RunOptions options, PrintStream console) {
    String out = options.out;
    String sweepId = options.sweepId;
    String date = options.date;
    boolean allowLarge = options.allowLarge;
    String device = options.device;
    boolean resume = options.resume;
    boolean overwrite = options.overwrite;
    String deadline = options.deadline;
    SparkOptions sparkOptions = options.sparkOptions;
    // A TorchScript file is read and checked here, and a read source's files listed and one of them
    // checked, so that a bad one exits before Spark starts.
    GridConfig config = ReadSource.resolve(TorchScriptFile.resolve(loaded, new Configuration(), console), new Configuration(), console);
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    String id = sweepId != null ? sweepId : config.name() + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    if (!Ids.isValidSweepId(id)) {
      throw new ConfigException("--sweep-id '" + id + "': use 1-100 letters, digits, '.', '_' or '-'");
    }
    String day = date != null ? parseDate(date) : now.toLocalDate().toString();
    if (resume && overwrite) {
      throw new ConfigException("--resume and --overwrite: choose one");
    }
    SweepJob.Mode mode = resume ? SweepJob.Mode.RESUME : overwrite ? SweepJob.Mode.OVERWRITE : SweepJob.Mode.NEW;
    DeviceKind deviceKind = DeviceKind.parse(device);
    if (deviceKind == null) {
      throw new ConfigException("--device '" + device + "': allowed: " + String.join(", ", DeviceKind.labels()));
    }
    SweepJob.Request request =
        new SweepJob.Request(config, out, id, day, allowLarge, mode, deviceKind, deadline == null ? null : parseDuration(deadline));
    // Checked again by the job; here so that no Spark session is started for nothing.
    try {
      config.checkSize(allowLarge);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (option: --allow-large)", e);
    }
    try (Sessions.Handle session = sparkOptions.open("infersweep " + id)) {
      SparkSession spark = session.spark();
      SweepJob.Summary summary;
      try {
        summary = SweepJob.run(spark, request, console);
      } catch (SweepException e) {
        if (e.kind() != SweepException.Kind.CONFLICT) {
          throw e;
        }
        // A conflict is about a sweep id that exists, is being written or has rows kept: name the
        // options that act on it (an I/O error is not helped by them).
        throw new SweepException(e.kind(), e.getMessage() + " (options: --sweep-id, --resume, --overwrite)", e);
      }
      print(summary, console);
      // The answer, read back from what was published: what slowed or sped up, why, what fixes it.
      Answer.print(spark, out, summary.sweepId(), console, "[infersweep] ");
      return summary;
    }
  }

  /** {@code 90m}, {@code 2h}, {@code 45s}, {@code 1d} or ISO-8601 ({@code PT1H30M}); positive. */
  static Duration parseDuration(String text) {
    Duration d = null;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([smhd])").matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        // Falls through to the message below.
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigException("--deadline '" + text + "': expected a positive duration such as 45s, 90m, 2h, 1d or PT1H30M");
    }
    return d;
  }

  static String parseDate(String text) {
    try {
      return LocalDate.parse(text).toString();
    } catch (DateTimeParseException e) {
      throw new ConfigException("--date '" + text + "': expected YYYY-MM-DD");
    }
  }

  static void print(SweepJob.Summary s, PrintStream console) {
    console.printf(
        "[infersweep] done in %.1f s (writing %.1f s): %d runs (%d failed), %d rows: %d ok, %d failed, %d unsupported%n",
        s.wallSeconds(), s.writeSeconds(), s.runs(), s.runsFailed(), s.rows(), s.rowsOk(), s.rowsFailed(), s.rowsUnsupported());
    for (String note : s.notes()) {
      console.println("[infersweep] note: " + note);
    }
    for (String failure : s.failures()) {
      console.println("[infersweep] failed: " + failure);
    }
    console.println("[infersweep] results: " + s.output());
    console.flush();
  }
}
