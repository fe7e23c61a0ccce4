package dev.infersweep.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.infersweep.grid.GridFingerprint;
import dev.infersweep.result.RowStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * A published sweep's {@code _sweep.json}: what the sweep is (its grid fingerprint), how it went
 * (rows by status, runs) and where and with what it ran. Written into the staged sweep folder, so
 * that the rename that publishes the rows publishes it too; readers of the rows ignore it (a
 * {@code _} file). Orchestrators read it instead of exit codes, which cluster deploy mode loses.
 *
 * @param rowsByStatus rows by status: ok, failed, unsupported
 * @param versions infersweep, Spark, DJL, PyTorch and Java versions
 * @param startedAt when the sweep started (ISO-8601, UTC)
 * @param finishedAt when it was published
 */
public record Manifest(
    int formatVersion,
    String sweepId,
    String sweepDate,
    String gridName,
    String gridFile,
    String fingerprint,
    GridFingerprint grid,
    int runs,
    Map<String, Long> rowsByStatus,
    Map<String, String> versions,
    String startedAt,
    String finishedAt,
    List<String> hosts) {

  /** The manifest's file name inside a sweep folder. */
  public static final String FILE = "_sweep.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The manifest of a sweep about to be published: its counts are the summary's, finished now. */
  static Manifest of(
      SweepJob.Request request,
      GridFingerprint fingerprint,
      SweepJob.Summary summary,
      List<Row> rows,
      Instant startedAt) {
    Map<String, String> versions = new LinkedHashMap<>();
    String own = SweepJob.class.getPackage().getImplementationVersion();
    versions.put("infersweep", own == null ? "development build" : own);
    versions.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    versions.put("djl", firstValue(rows, "djl_version"));
    versions.put("pytorch", firstValue(rows, "pytorch_version"));
    versions.put("java", System.getProperty("java.version"));
    Set<String> hosts = new TreeSet<>();
    rows.forEach(r -> {
      String host = r.getAs("host");
      if (host != null) {
        hosts.add(host);
      }
    });
    Map<String, Long> byStatus = new LinkedHashMap<>();
    byStatus.put(RowStatus.OK.label(), summary.rowsOk());
    byStatus.put(RowStatus.FAILED.label(), summary.rowsFailed());
    byStatus.put(RowStatus.UNSUPPORTED.label(), summary.rowsUnsupported());
    return new Manifest(
        1,
        request.sweepId(),
        request.sweepDate(),
        request.grid().name(),
        request.grid().file(),
        fingerprint.hash(),
        fingerprint,
        summary.runs(),
        byStatus,
        versions,
        startedAt.toString(),
        Instant.now().toString(),
        List.copyOf(hosts));
  }

  private static String firstValue(List<Row> rows, String column) {
    return rows.stream().map(r -> r.<String>getAs(column)).filter(v -> v != null).findFirst().orElse(null);
  }

  /** Writes the manifest into {@code sweepFolder}. */
  void write(FileSystem fs, Path sweepFolder) throws IOException {
    try (OutputStream out = fs.create(new Path(sweepFolder, FILE), true)) {
      JSON.writeValue(out, this);
    }
  }

  /** The manifest of {@code sweepFolder}, or null when it has none (sweeps written before it existed). */
  static Manifest read(FileSystem fs, Path sweepFolder) throws IOException {
    Path file = new Path(sweepFolder, FILE);
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      return JSON.readValue(in, Manifest.class);
    }
  }
}
