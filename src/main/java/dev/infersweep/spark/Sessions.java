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

/**
 * Builds the SparkSession for a command: what spark-submit set (the cluster's defaults stay in
 * force), infersweep's defaults where that left a setting unset, then the command's --conf.
 */
public final class Sessions {
  private Sessions() {}

  /**
   * Settings infersweep needs, applied only where neither spark-submit (the cluster's
   * spark-defaults.conf, its --conf) nor the command's own --conf set them.
   */
  static Map<String, String> defaults() {
    Map<String, String> conf = new LinkedHashMap<>();
    // Partition values stay strings: a sweep id such as 20261126 must not become an integer.
    conf.put("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.session.timeZone", "UTC");
    // Microsecond timestamps: the Parquet type other engines read well (not Spark's INT96).
    conf.put("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    // One run per task, one PyTorch intra-op thread per task: the thread count is in each row.
    conf.put("spark.task.cpus", "1");
    // A run's rows come back to the driver; thousands of rows are a few MB.
    conf.put("spark.driver.maxResultSize", "1g");
    return conf;
  }

  /** The settings a session starts with: defaults where unset, the UI off for local runs, then {@code conf}. */
  static Map<String, String> settings(String master, Map<String, String> conf) {
    Map<String, String> all = new LinkedHashMap<>();
    defaults().forEach((k, v) -> {
      if (System.getProperty(k) == null) {
        all.put(k, v);
      }
    });
    String effective = master != null ? master : System.getProperty("spark.master", "");
    if (effective.startsWith("local") && System.getProperty("spark.ui.enabled") == null) {
      // A local batch run has no one to look at a UI; a cluster's UI and history stay as configured.
      all.put("spark.ui.enabled", "false");
    }
    all.putAll(conf);
    return all;
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
    settings(master, conf).forEach(builder::config);
    if (master != null) {
      builder.master(master);
    }
    return builder.getOrCreate();
  }
}
