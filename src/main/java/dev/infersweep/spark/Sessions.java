package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession for a command: defaults, then a spark-defaults file, then --conf. */
public final class Sessions {
  private Sessions() {}

  /** Settings every infersweep session gets unless the user overrides them. */
  static Map<String, String> defaults() {
    Map<String, String> conf = new LinkedHashMap<>();
    // Partition values stay strings: a sweep id such as 20261126 must not become an integer.
    conf.put("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.session.timeZone", "UTC");
    return conf;
  }

  /** Reads a {@code spark-defaults.conf}-style file (whitespace-separated key and value). */
  public static Map<String, String> readConfFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read Spark configuration: " + e.getMessage(), e);
    }
    Map<String, String> conf = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> conf.put(k.trim(), properties.getProperty(k).trim()));
    return conf;
  }

  /**
   * A session for one command. Closing it stops the session only if this command started it, so a
   * command called from inside another Spark application (or a test) leaves that session alone.
   */
  public record Handle(SparkSession spark, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }

  /** Like {@link #create}, but reuses the active session when there is one. */
  public static Handle open(String appName, String master, Map<String, String> conf) {
    boolean existed = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    return new Handle(create(appName, master, conf), !existed);
  }

  /**
   * @param master Spark master URL; {@code null} keeps whatever spark-submit or the conf set
   * @param conf user settings, applied over {@link #defaults()}
   */
  public static SparkSession create(String appName, String master, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    Map<String, String> all = new LinkedHashMap<>(defaults());
    all.putAll(conf);
    all.forEach(builder::config);
    if (master != null) {
      builder.master(master);
    }
    return builder.getOrCreate();
  }
}
