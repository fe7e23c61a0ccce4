package dev.infersweep.cli;

import dev.infersweep.analysis.Analysis;
import dev.infersweep.analysis.Compare;
import dev.infersweep.analysis.Report;
import dev.infersweep.analysis.ResultsTable;
import dev.infersweep.analysis.Sweeps;
import dev.infersweep.analysis.Views;
import dev.infersweep.error.ConfigException;
import dev.infersweep.spark.Sessions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sweep compare}: night-to-night regression check; exits 4 when a configuration regressed. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Compare a candidate sweep with a baseline: did training's effect change (paired ratios, Holm-corrected), did everything get slower (absolute latencies against the history)? Exit 4 on a regression.")
public final class CompareCommand implements Callable<Integer> {
  @Option(names = "--results", required = true, paramLabel = "DIR", description = "Results root.")
  String results;

  @Option(names = "--baseline", required = true, paramLabel = "ID|previous", description = "Baseline sweep, or 'previous': the latest earlier sweep of the candidate's grid.")
  String baseline;

  @Option(names = "--candidate", defaultValue = "latest", paramLabel = "ID|latest", description = "Candidate sweep (default: ${DEFAULT-VALUE}).")
  String candidate;

  @Option(names = "--threshold", defaultValue = "0.02", paramLabel = "X", description = "Smallest change of a configuration's paired latency ratio that counts, if significant after Holm's correction (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--absolute-threshold", defaultValue = "0.05", paramLabel = "X", description = "Smallest absolute latency change that counts, if beyond the noise of at least 3 earlier sweeps (default: ${DEFAULT-VALUE}).")
  double absoluteThreshold;

  @Option(names = "--html", paramLabel = "FILE.html", description = "Also write the candidate's report with the comparison in it.")
  Path html;

  @Option(names = "--max-rows", defaultValue = "30", paramLabel = "N", description = "Configurations to print at most (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(names = "--all", description = "Print every configuration's ratio change, not only the regressions, improvements and what was not judged.")
  boolean all;

  @Mixin SparkOptions sparkOptions = new SparkOptions();

  @Override
  public Integer call() {
    Compare.Result result = execute();
    System.out.print(Compare.table(result, maxRows, all));
    System.out.flush();
    return result.regressions() > 0 ? Main.REGRESSION : Main.OK;
  }

  /** Runs the comparison, writes it as Parquet (and the page when asked); returns it. */
  public Compare.Result execute() {
    if (!(threshold >= 0 && threshold < 10)) {
      throw new ConfigException("--threshold " + threshold + ": must be between 0 and 10");
    }
    if (!(absoluteThreshold >= 0 && absoluteThreshold < 10)) {
      throw new ConfigException("--absolute-threshold " + absoluteThreshold + ": must be between 0 and 10");
    }
    try (Sessions.Handle session = sparkOptions.open("infersweep compare")) {
      SparkSession spark = session.spark();
      Views.register(spark, results);
      String cand = Sweeps.resolve(spark, candidate, "--candidate");
      String base = baseline.equals("previous") ? Sweeps.previous(spark, cand, "--baseline") : Sweeps.resolve(spark, baseline, "--baseline");
      Compare.Result result = Compare.run(spark, base, cand, threshold, absoluteThreshold);
      if (result.ratios().isEmpty() && result.shift().configurations() == 0) {
        throw new ConfigException(
            "--baseline " + base + " and --candidate " + cand + ": no configuration in common (different grids?)");
      }
      Analysis.saveComparison(spark, ResultsTable.root(spark, results), result);
      if (html != null) {
        ReportCommand.write(html, Report.of(spark, cand, result).html());
      }
      return result;
    }
  }
}
