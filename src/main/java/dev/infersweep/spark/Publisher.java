package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a sweep's rows go: {@code <out>/sweep_date=D/sweep_id=ID/}. Spark writes them into a private
 * staging folder under {@code <out>/_staging/} (ignored by readers, as every {@code _} path is),
 * then one rename publishes the whole sweep, so a reader never sees half of one.
 */
final class Publisher {
  private final FileSystem fs;
  private final Path root;
  private final Path target;
  private final Path staging;

  Publisher(String out, String sweepDate, String sweepId, Configuration hadoop) {
    try {
      Path path = new Path(out);
      this.fs = path.getFileSystem(hadoop);
      this.root = fs.makeQualified(path);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--out " + out + ": " + e.getMessage(), e);
    }
    this.target =
        new Path(new Path(root, ResultSchema.SWEEP_DATE + "=" + sweepDate), ResultSchema.SWEEP_ID + "=" + sweepId);
    this.staging = new Path(new Path(root, "_staging"), sweepId + "-" + UUID.randomUUID());
  }

  /**
   * Fails early, before any executor is used, when the sweep could not be published.
   *
   * @return whether the sweep already exists (allowed only with RESUME or OVERWRITE)
   */
  boolean checkBeforeRun(SweepJob.Mode mode) {
    try {
      boolean exists = fs.exists(target);
      if (exists && mode == SweepJob.Mode.NEW) {
        throw new ConfigException(
            "--out " + root + ": sweep " + target.getName() + " of " + target.getParent().getName()
                + " already exists at " + target + "; choose another --sweep-id, or pass --resume or --overwrite");
      }
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new ConfigException("--out " + root + ": exists and is not a folder");
      }
      fs.mkdirs(staging);
      Path probe = new Path(staging, "_write_check");
      fs.create(probe, false).close();
      fs.delete(probe, false);
      return exists;
    } catch (IOException e) {
      throw new ConfigException("--out " + root + ": cannot write there: " + e.getMessage(), e);
    }
  }

  String targetPath() {
    return target.toString();
  }

  /** The folder Spark writes into (partitioned by sweep_date and sweep_id). */
  String stagingPath() {
    return staging.toString();
  }

  /** Moves the staged sweep into place; returns the published folder. */
  Path publish(String sweepDate, String sweepId) throws IOException {
    Path staged =
        new Path(new Path(staging, ResultSchema.SWEEP_DATE + "=" + sweepDate), ResultSchema.SWEEP_ID + "=" + sweepId);
    if (!fs.exists(staged)) {
      throw new IOException("Spark wrote nothing to " + staged);
    }
    fs.mkdirs(target.getParent());
    if (fs.exists(target)) {
      // --resume or --overwrite: move the old sweep aside, put the new one in, then drop the old.
      // Between the two renames a reader sees no sweep, never a mixed one; on a crash the old
      // sweep is still whole under _trash/.
      Path trash = new Path(new Path(root, "_trash"), target.getName() + "-" + UUID.randomUUID());
      fs.mkdirs(trash.getParent());
      if (!fs.rename(target, trash)) {
        throw new IOException("could not move the existing sweep " + target + " aside");
      }
      if (!fs.rename(staged, target)) {
        fs.rename(trash, target);
        throw new IOException("could not publish " + staged + " to " + target + "; the old sweep is back");
      }
      fs.delete(trash, true);
      deleteIfEmpty(trash.getParent());
    } else if (!fs.rename(staged, target)) {
      throw new IOException(
          "could not publish " + staged + " to " + target + " (was the same sweep id written meanwhile?)");
    }
    discardStaging();
    return target;
  }

  private void deleteIfEmpty(Path dir) throws IOException {
    // Non-recursive: fails harmlessly when another sweep is using the folder too.
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }

  /** Removes the staging folder (after publishing, or when the sweep is abandoned). */
  void discardStaging() {
    try {
      fs.delete(staging, true);
      deleteIfEmpty(staging.getParent());
    } catch (IOException e) {
      // A leftover staging folder is ignored by readers; not worth failing a finished sweep.
    }
  }
}
