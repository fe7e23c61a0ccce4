package dev.infersweep.cli;

import dev.infersweep.analysis.Analysis;
import dev.infersweep.analysis.Report;
import dev.infersweep.analysis.ResultsTable;
import dev.infersweep.analysis.Sweeps;
import dev.infersweep.analysis.Views;
import dev.infersweep.error.ConfigException;
import dev.infersweep.spark.Sessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sweep report}: verdicts, effect model and plots of one sweep as a self-contained HTML page. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Write the verdict report of a sweep: one self-contained HTML file (opens with no network).")
public final class ReportCommand implements Callable<Integer> {
  @Option(names = "--results", required = true, paramLabel = "DIR", description = "Results root.")
  String results;

  @Option(names = "--sweep", defaultValue = "latest", paramLabel = "ID|latest", description = "Which sweep (default: ${DEFAULT-VALUE}).")
  String sweep;

  @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "Where to write the page.")
  Path out;

  @Mixin SparkOptions sparkOptions = new SparkOptions();

  @Override
  public Integer call() {
    for (String line : execute()) {
      System.out.println(line);
    }
    return Main.OK;
  }

  /** Writes the page and the analysis Parquet; returns the lines to print. */
  public List<String> execute() {
    Path parent = out.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
      throw new ConfigException("--out " + out + ": its folder does not exist or cannot be written");
    }
    try (Sessions.Handle session = sparkOptions.open("infersweep report")) {
      SparkSession spark = session.spark();
      Views.register(spark, results);
      String id = Sweeps.resolve(spark, sweep, "--sweep");
      Report.Page page = Report.of(spark, id, null);
      write(out, page.html());
      String root = ResultsTable.root(spark, results);
      Analysis.saveVerdicts(spark, root, id, page.verdicts());
      Analysis.saveEffects(spark, root, id, page.effects());
      List<String> lines = new java.util.ArrayList<>(Report.verdictLines(page.verdicts()));
      lines.add("report: " + out.toAbsolutePath() + " (verdicts and effects also under " + root + "/_analysis/)");
      return lines;
    }
  }

  /** Writes through a temporary file and a rename, so a reader never opens half a page. */
  static void write(Path file, String text) {
    try {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".report", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        // A temporary file is private to its owner; a report is for everyone who can read the folder.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: keep its defaults.
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ConfigException("--out " + file + ": cannot write: " + e.getMessage(), e);
    }
  }
}
