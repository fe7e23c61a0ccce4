package dev.infersweep.cli;

import dev.infersweep.bench.ScanBench;
import dev.infersweep.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code sweep bench}'s scan figures (issue 28): a registry scan's pace through {@code local[*]}
 * and the driver's heap for a listing of small and of large files ({@link ScanBench}).
 */
final class ScanBenchOptions {
  @Option(names = "--scan-models", defaultValue = "50",
      description = "Copies of --scan-model scanned as a registry through Spark local[*] (0 skips the scan figures; default: ${DEFAULT-VALUE}).")
  int models;

  @Option(names = "--scan-model", defaultValue = "src/test/resources/torchscript/mlp.pt", paramLabel = "FILE",
      description = "The small TorchScript model (input [20]) copied for the scan and the listings (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--scan-max-seconds", paramLabel = "S",
      description = "Each scanned row's timing budget (default: the grid's default timing).")
  Double maxSeconds;

  @Option(names = "--listed-files", defaultValue = "1000",
      description = "Files in each of the driver's listings, small ones and sparse large ones (default: ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--scan-only", description = "Run only the scan and listing figures.")
  boolean only;

  void check() {
    if (models < 0 || (models > 0 && files < 2)) {
      throw new ConfigException("'--scan-models' must be 0 (skip) or more, and '--listed-files' at least 2");
    }
    if (only && models == 0) {
      throw new ConfigException("'--scan-only' needs '--scan-models' of 1 or more, not 0");
    }
    if (models > 0 && !Files.isRegularFile(model)) {
      throw new ConfigException("'--scan-model' " + model + " does not exist");
    }
    if (maxSeconds != null && !(maxSeconds > 0 && maxSeconds < 3600)) {
      throw new ConfigException("'--scan-max-seconds' must be above 0 and below 3600, not " + maxSeconds);
    }
  }

  /** Measures the figures into {@code out}, working in {@code work}; nothing when skipped. */
  void run(Map<String, Object> out, Path work) throws IOException {
    if (models == 0) {
      return;
    }
    ScanBench.Figures f = ScanBench.run(model, models, maxSeconds, files, 3, work.resolve("scan"), System.err);
    out.put("scan_master", f.master() + " (" + f.cores() + " cores)");
    out.put("scan_model", f.model());
    out.put("scan_models", f.models());
    out.put("scan_rows", f.rows());
    out.put("scan_rows_ok", f.rowsOk());
    out.put("scan_max_seconds_per_row", f.maxSecondsPerRow());
    out.put("scan_seconds", round(f.scanSeconds()));
    out.put("scan_models_per_minute", round(f.modelsPerMinute()));
    put(out, "listing_small", f.small());
    put(out, "listing_large", f.large());
    // Reading even one large file into the heap would add its 64 MiB; the allocations of the two
    // listings differ only by what grows with the files' sizes.
    out.put("target_listing_heap_peak_below_one_large_file",
        f.large().heapPeakGrowthBytes() < ScanBench.LARGE_FILE_BYTES);
    out.put("target_listing_allocated_large_le_1.5x_small",
        f.large().allocatedBytes() <= 1.5 * f.small().allocatedBytes());
  }

  private static void put(Map<String, Object> out, String prefix, ScanBench.Listing l) {
    out.put(prefix + "_files", l.files());
    out.put(prefix + "_bytes_per_file", l.bytesPerFile());
    out.put(prefix + "_apparent_bytes", l.apparentBytes());
    out.put(prefix + "_seconds", round(l.seconds()));
    out.put(prefix + "_allocated_bytes", l.allocatedBytes());
    out.put(prefix + "_heap_peak_growth_bytes", l.heapPeakGrowthBytes());
    out.put(prefix + "_heap_retained_bytes", l.heapRetainedBytes());
  }

  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
  }
}
