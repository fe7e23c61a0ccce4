package dev.infersweep.cli;

import dev.infersweep.error.SweepException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code jobs/sweep} and of the cluster jar. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Measure whether a network's inference latency changes as it trains (DJL/PyTorch on Spark).",
    subcommands = {
      RunCommand.class,
      ScanCommand.class,
      SqlCommand.class,
      PlanCommand.class,
      ReportCommand.class,
      CompareCommand.class,
      BenchCommand.class,
      RepairCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:internal error",
      "2:bad usage or configuration (nothing was run or written)",
      "3:the sweep finished but some runs failed (see the summary)",
      "4:compare found a regression",
      "5:reading or writing results failed (finished rows are kept in staging; see the message)",
      "6:repair: the repaired model's outputs differ beyond --tolerance (nothing written)"
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int INTERNAL = 1;
  public static final int USAGE = 2;
  public static final int RUNS_FAILED = 3;
  public static final int REGRESSION = 4;
  public static final int IO_ERROR = 5;
  /** {@code repair} refused to write a copy whose outputs changed: not bad input, a model that needs more than zeroing. */
  public static final int OUTPUTS_CHANGED = 6;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: run, sql, plan, report, compare, bench or repair");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Parses and runs {@code args}; returns the exit code. */
  public static int execute(String... args) {
    CommandLine line = new CommandLine(new Main());
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (e instanceof SweepException s) {
            err.println("infersweep: error: " + s.getMessage());
            err.flush();
            return exitCode(s.kind());
          }
          err.println("infersweep: internal error: " + e);
          e.printStackTrace(err);
          err.flush();
          return INTERNAL;
        });
    return line.execute(args);
  }

  /** The exit code of an error kind: the one place where kinds become numbers. */
  static int exitCode(SweepException.Kind kind) {
    return switch (kind) {
      case USAGE, CONFLICT -> USAGE;
      case IO -> IO_ERROR;
    };
  }

  /** Reports the jar's version and the engine versions it bundles. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "infersweep " + (v == null ? "(development build)" : v),
        "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", DJL " + ai.djl.engine.Engine.getDjlVersion()
      };
    }
  }
}
