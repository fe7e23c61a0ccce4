package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import dev.infersweep.result.ResultSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * Where a sweep's rows go: {@code <out>/sweep_date=D/sweep_id=ID/}. The driver writes them
 * ({@link RowFile}) into a private staging folder {@code <out>/_staging/<ID>-<uuid>/} (ignored by
 * readers, as every {@code _} path is), then one rename publishes the whole sweep, so a reader never
 * sees half of one.
 *
 * <p>Nothing finished is lost: a staging folder that was written completely ({@code _SUCCESS}) is
 * kept when publishing fails, and the next run of the same sweep id finds it. A sweep being
 * replaced is moved to {@code <out>/_trash/<ID>-<uuid>/} first, keeping its date folder, so that a
 * writer killed between the two renames leaves it whole and restorable.
 */
final class Publisher {
  static final String SUCCESS = "_SUCCESS";

  private final FileSystem fs;
  private final Path root;
  private final String sweepDate;
  private final String sweepId;
  private final Path target;
  private final Path staging;

  Publisher(String out, String sweepDate, String sweepId, Configuration hadoop) {
    try {
      Path path = new Path(out);
      this.fs = path.getFileSystem(hadoop);
      this.root = fs.makeQualified(path);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("results folder " + out + ": " + e.getMessage(), e);
    }
    this.sweepDate = sweepDate;
    this.sweepId = sweepId;
    this.target = sweepFolder(root, sweepDate, sweepId);
    this.staging = new Path(new Path(root, "_staging"), sweepId + "-" + UUID.randomUUID());
  }

  private static Path sweepFolder(Path base, String date, String id) {
    return new Path(new Path(base, ResultSchema.SWEEP_DATE + "=" + date), ResultSchema.SWEEP_ID + "=" + id);
  }

  FileSystem fs() {
    return fs;
  }

  Path root() {
    return root;
  }

  /**
   * Writes the rows into the staging folder. A failed write is tried once more; if that fails too,
   * the rows are written to a local rescue folder, so that finished work is never lost.
   */
  void stage(List<Row> rows) {
    Exception first = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        writeStaging(rows, staging);
        return;
      } catch (IOException | RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    String rescue = Path.getPathWithoutSchemeAndAuthority(staging).getName();
    java.nio.file.Path local = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "infersweep-rescue", rescue);
    try {
      writeStaging(rows, new Path(local.toUri()));
    } catch (IOException | RuntimeException e) {
      first.addSuppressed(e);
      throw SweepException.io(
          "could not write the results to " + staging + " (" + first.getMessage()
              + ") nor to the rescue folder " + local + "; the rows are lost",
          first);
    }
    discardStaging();
    throw SweepException.io(
        "could not write the results to " + staging + " (" + first.getMessage() + "); the "
            + rows.size() + " rows were saved to " + local + " instead: copy that folder into "
            + root + "/_staging/ and resume the sweep to publish them without re-running",
        first);
  }

  /**
   * Writes {@code rows} as this sweep's folder under {@code root} (the staging folder, or a rescue
   * folder when staging cannot be written), marked complete once written.
   */
  private void writeStaging(List<Row> rows, Path root) throws IOException {
    RowFile.write(rows, sweepDate, sweepId, root, fs.getConf());
  }

  /** Takes the one-writer marker of this sweep id. */
  SweepLock lock(PrintStream console) {
    try {
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new ConfigException("results folder " + root + ": exists and is not a folder");
      }
    } catch (IOException e) {
      throw SweepException.io("results folder " + root + ": " + e.getMessage(), e);
    }
    return SweepLock.acquire(fs, root, sweepId, console);
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
        throw new SweepException(
            SweepException.Kind.CONFLICT,
            "sweep " + sweepId + " of " + target.getParent().getName() + " already exists at " + target
                + "; choose another sweep id, or resume or overwrite it");
      }
      fs.mkdirs(staging);
      Path probe = new Path(staging, "_write_check");
      fs.create(probe, false).close();
      fs.delete(probe, false);
      return exists;
    } catch (IOException e) {
      throw SweepException.io("results folder " + root + ": cannot write there: " + e.getMessage(), e);
    }
  }

  /** Deals with what dead writers left under the results root ({@link Leftovers}). */
  void recover(PrintStream console) {
    new Leftovers(this, sweepId).recover(console);
  }

  /**
   * The newest completed staging folder of this sweep id left by an earlier attempt whose publish
   * failed, as the staged sweep folder inside it; null when there is none. Incomplete ones (their
   * {@link RowFile} never finished) are removed: they hold no rows that count.
   */
  Path earlierStaging() {
    try {
      List<FileStatus> mine = new ArrayList<>();
      for (FileStatus s : folders(new Path(root, "_staging"))) {
        if (s.getPath().getName().startsWith(sweepId + "-") && !s.getPath().equals(staging)) {
          if (fs.exists(new Path(s.getPath(), SUCCESS))) {
            mine.add(s);
          } else if (!fs.exists(sweepFolder(s.getPath(), sweepDate, sweepId))) {
            fs.delete(s.getPath(), true);
          }
        }
      }
      return mine.stream()
          .max(Comparator.comparingLong(FileStatus::getModificationTime))
          .map(s -> stagedSweep(s.getPath()))
          .orElse(null);
    } catch (IOException e) {
      throw SweepException.io("results folder " + root + ": " + e.getMessage(), e);
    }
  }

  /** The sweep folder inside staging folder {@code dir} (any date: a resumed sweep may keep its own). */
  private Path stagedSweep(Path dir) {
    try {
      for (FileStatus date : folders(dir)) {
        Path sweep = new Path(date.getPath(), ResultSchema.SWEEP_ID + "=" + sweepId);
        if (fs.exists(sweep)) {
          return sweep;
        }
      }
    } catch (IOException e) {
      // Fall through: treat as not found.
    }
    return sweepFolder(dir, sweepDate, sweepId);
  }

  /** Removes an earlier attempt's staging folder (the one holding {@code stagedSweep}). */
  void discardEarlier(Path stagedSweep) {
    if (stagedSweep == null) {
      return;
    }
    try {
      Path dir = stagedSweep.getParent().getParent();
      fs.delete(dir, true);
      deleteIfEmpty(dir.getParent());
    } catch (IOException e) {
      // Harmless: readers ignore _staging, and it is found again next time.
    }
  }

  /** The folders in {@code dir}; none when it does not exist. */
  List<FileStatus> folders(Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return List.of();
    }
    List<FileStatus> out = new ArrayList<>();
    for (FileStatus s : fs.listStatus(dir)) {
      if (s.isDirectory()) {
        out.add(s);
      }
    }
    return out;
  }

  Path target() {
    return target;
  }

  String targetPath() {
    return target.toString();
  }

  /** The staging folder the rows are written into (holding sweep_date=D/sweep_id=ID/). */
  String stagingPath() {
    return staging.toString();
  }

  /** The staged sweep folder, where the manifest goes. */
  Path stagedSweep() {
    return sweepFolder(staging, sweepDate, sweepId);
  }

  /** Moves the staged sweep into place, at {@link #target()}. */
  void publish() throws IOException {
    Path staged = stagedSweep();
    if (!fs.exists(staged)) {
      throw new IOException("nothing was written to " + staged);
    }
    fs.mkdirs(target.getParent());
    if (fs.exists(target)) {
      // Resume or overwrite: move the old sweep aside, put the new one in, then drop the old.
      // Between the two renames a reader sees no sweep, never a mixed one; on a crash the old
      // sweep is still whole under _trash/ and the next writer of this id puts it back.
      Path trash = new Path(new Path(root, "_trash"), sweepId + "-" + UUID.randomUUID());
      Path trashed = new Path(new Path(trash, target.getParent().getName()), target.getName());
      fs.mkdirs(trashed.getParent());
      if (!fs.rename(target, trashed)) {
        throw new IOException("could not move the existing sweep " + target + " aside");
      }
      if (!fs.rename(staged, target)) {
        fs.rename(trashed, target);
        throw new IOException("could not publish " + staged + " to " + target + "; the old sweep is back");
      }
      fs.delete(trash, true);
      deleteIfEmpty(trash.getParent());
    } else if (!fs.rename(staged, target)) {
      throw new IOException("could not publish " + staged + " to " + target);
    }
    discardStaging();
  }

  void deleteIfEmpty(Path dir) throws IOException {
    // Non-recursive: fails harmlessly when another sweep is using the folder too.
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }

  /** Removes this attempt's staging folder (after publishing, or when nothing in it counts). */
  void discardStaging() {
    try {
      fs.delete(staging, true);
      deleteIfEmpty(staging.getParent());
    } catch (IOException e) {
      // A leftover staging folder is ignored by readers; not worth failing a finished sweep.
    }
  }
}
