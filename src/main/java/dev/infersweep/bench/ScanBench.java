package dev.infersweep.bench;

import com.sun.management.ThreadMXBean;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.net.ModelSource;
import dev.infersweep.spark.ReadSource;
import dev.infersweep.spark.Sessions;
import dev.infersweep.spark.SweepJob;
import dev.infersweep.stats.Percentiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Issue 28's figures for models that are read, not trained: a registry scan of small models at the
 * grid's default timing through Spark {@code local[*]} (models per minute, the sweep's own wall time:
 * listing, the driver's check, the tasks, writing), and the driver's heap for a listing of many
 * files, once with small files and once with sparse large ones whose contents are never on disk, so
 * that a figure growing with the files' sizes would show that the driver reads them.
 */
public final class ScanBench {
  /** Each large file's length: sparse, so it costs no disk and its bytes are zeros if ever read. */
  public static final long LARGE_FILE_BYTES = 64L << 20;
  private static final String GRID =
      """
      name: bench-scan
      model: {files: ["%s/*.pt"], input_shape: [20]}
      %s
      """;

  private ScanBench() {}

  /**
   * What was measured.
   *
   * @param scanSeconds the scan's sweep wall time (listing, check, tasks, writing; not the JVM's or
   *     the Spark session's start)
   * @param maxSecondsPerRow each row's timing budget (the grid's default unless overridden)
   * @param small the listing of {@code files} small files (copies of the model)
   * @param large the same count of files, all but the first sparse and {@link #LARGE_FILE_BYTES} long
   */
  public record Figures(
      String cpuModel, String master, int cores, String model, int models, long rows, long rowsOk,
      double maxSecondsPerRow, double scanSeconds, double modelsPerMinute, Listing small, Listing large) {}

  /**
   * The driver's listing of {@code files} files ({@link ReadSource#resolve}: list every file, open
   * and check the first), median of {@code rounds} rounds after one unmeasured round.
   *
   * @param allocatedBytes bytes the listing thread allocated (the JVM's own per-thread counter)
   * @param heapPeakGrowthBytes the heap pools' peak use during the listing above their use before it
   *     (after a full GC): an upper bound, since the pools peak at different moments
   * @param heapRetainedBytes heap in use after a full GC with the listing held, above before it
   */
  public record Listing(
      int files, long bytesPerFile, long apparentBytes, int rounds, double seconds, long allocatedBytes,
      long heapPeakGrowthBytes, long heapRetainedBytes) {}

  /**
   * Runs the scan of {@code models} copies of {@code model} and the two listings of {@code files}.
   *
   * @param maxSeconds each row's timing budget; null for the grid's default
   */
  public static Figures run(Path model, int models, Double maxSeconds, int files, int rounds, Path work, PrintStream progress)
      throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    Path scanDir = copies(model, models, work.resolve("scan-models"), 0);
    GridConfig grid = grid(scanDir, maxSeconds);
    progress.printf(Locale.ROOT, "[bench] scan: %d copies of %s through Spark local[*] (%d cores), %.2f s per row ...%n",
        models, model, cores, grid.timing().maxSeconds());
    SweepJob.Summary s = scan(grid, work.resolve("scan-out"));
    progress.printf(Locale.ROOT, "[bench] scan: %d rows in %.1f s%n", s.rows(), s.wallSeconds());
    Path smallDir = copies(model, files, work.resolve("listing-small"), 0);
    Path largeDir = copies(model, 1, work.resolve("listing-large"), files - 1);
    progress.printf(Locale.ROOT, "[bench] listing: %d files, small (%d bytes) and large (sparse, %d bytes) ...%n",
        files, Files.size(model), LARGE_FILE_BYTES);
    listing(grid(smallDir, maxSeconds), smallDir, files, 0, 1); // class loading, the engine, Hadoop's file system: unmeasured
    Listing small = listing(grid(smallDir, maxSeconds), smallDir, files, Files.size(model), rounds);
    Listing large = listing(grid(largeDir, maxSeconds), largeDir, files, LARGE_FILE_BYTES, rounds);
    return new Figures(dev.infersweep.run.Host.cpuModel(), "local[*]", cores, model.toString(), models, s.rows(), s.rowsOk(),
        grid.timing().maxSeconds(), s.wallSeconds(), models / (s.wallSeconds() / 60), small, large);
  }

  /** {@code dir} with {@code count} copies of {@code model} and then {@code sparse} sparse large files. */
  private static Path copies(Path model, int count, Path dir, int sparse) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < count + sparse; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "model-%05d.pt", i));
      if (i < count) {
        Files.copy(model, file);
      } else {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
          f.setLength(LARGE_FILE_BYTES);
        }
      }
    }
    return dir;
  }

  private static GridConfig grid(Path dir, Double maxSeconds) {
    String timing = maxSeconds == null ? "" : String.format(Locale.ROOT, "timing: {max_seconds: %s}", maxSeconds);
    return GridLoader.parse("bench scan", "bench-scan", GRID.formatted(dir.toAbsolutePath(), timing));
  }

  private static SweepJob.Summary scan(GridConfig grid, Path out) {
    SparkSession spark = Sessions.create("infersweep-bench-scan", "local[*]", Map.of("spark.ui.enabled", "false"));
    try {
      SweepJob.Summary s = SweepJob.run(spark, new SweepJob.Request(grid, out.toString(), "bench-scan", "2026-01-01", true),
          new PrintStream(OutputStream.nullOutputStream()));
      if (s.anyFailed()) {
        throw new IllegalStateException("the scan had failed rows: " + s.failures());
      }
      return s;
    } finally {
      spark.stop();
    }
  }

  private static Listing listing(GridConfig grid, Path dir, int files, long bytesPerFile, int rounds) throws IOException {
    double[] seconds = new double[rounds];
    double[] allocated = new double[rounds];
    double[] peak = new double[rounds];
    double[] retained = new double[rounds];
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    for (int r = 0; r < rounds; r++) {
      System.gc();
      long before = used(heap, false);
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      GridConfig listed = ReadSource.resolve(grid, new Configuration(), quiet);
      seconds[r] = (System.nanoTime() - start) / 1e9;
      allocated[r] = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
      peak[r] = used(heap, true) - before;
      System.gc();
      retained[r] = used(heap, false) - before;
      int n = ((ModelSource) listed.model()).listed().size();
      Reference.reachabilityFence(listed);
      if (n != files) {
        throw new IllegalStateException("the listing found " + n + " files, not " + files);
      }
    }
    long apparent;
    try (var paths = Files.list(dir)) {
      apparent = paths.mapToLong(p -> p.toFile().length()).sum();
    }
    return new Listing(files, bytesPerFile, apparent, rounds,
        Percentiles.median(seconds), (long) Percentiles.median(allocated), (long) Percentiles.median(peak),
        (long) Percentiles.median(retained));
  }

  private static long used(List<MemoryPoolMXBean> heap, boolean peak) {
    return heap.stream().mapToLong(p -> (peak ? p.getPeakUsage() : p.getUsage()).getUsed()).sum();
  }
}
