package dev.infersweep.cli;

import dev.infersweep.error.ConfigException;
import dev.infersweep.spark.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Spark options every Spark subcommand takes the same way ({@code run}, {@code sql},
 * {@code report}, {@code compare}): a master, settings, a properties file. A master that
 * spark-submit already set is never overridden unless {@code --master} is given.
 */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: what spark-submit set, else local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Spark setting; repeatable. Wins over --spark-defaults and the cluster's defaults.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--spark-defaults", paramLabel = "FILE", description = "A Spark properties file (key value lines) to apply before --conf.")
  Path sparkDefaults;

  /** The master to set: --master, else none under spark-submit, else embedded Spark. */
  String effectiveMaster() {
    if (master != null) {
      return master;
    }
    return System.getProperty("spark.master") == null ? "local[*]" : null;
  }

  /** --spark-defaults, then --conf. */
  Map<String, String> sparkConf() {
    Map<String, String> all = new LinkedHashMap<>();
    if (sparkDefaults != null) {
      if (!Files.isRegularFile(sparkDefaults)) {
        throw new ConfigException("--spark-defaults " + sparkDefaults + ": no such file");
      }
      all.putAll(Sessions.readConfFile(sparkDefaults));
    }
    all.putAll(conf);
    return all;
  }

  /** A session for {@code app} with these options. */
  Sessions.Handle open(String app) {
    return Sessions.open(app, effectiveMaster(), sparkConf());
  }
}
