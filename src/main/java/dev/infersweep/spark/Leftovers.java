package dev.infersweep.spark;

import dev.infersweep.error.SweepException;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.spec.Ids;
import java.io.IOException;
import java.io.PrintStream;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What dead writers left under a results root, dealt with before a sweep runs: a sweep moved to
 * {@code _trash/} but never replaced is put back where it was published, trash of a finished
 * replacement is removed, and completed {@code _staging/} folders of other sweep ids are reported,
 * not touched. {@link Publisher} owns the folders; this class only reads what earlier writers of
 * them left behind.
 */
final class Leftovers {
  private final Publisher publisher;
  private final FileSystem fs;
  private final Path root;
  private final String sweepId;

  Leftovers(Publisher publisher, String sweepId) {
    this.publisher = publisher;
    this.fs = publisher.fs();
    this.root = publisher.root();
    this.sweepId = sweepId;
  }

  /**
   * For this sweep id (whose marker this process holds): restores or removes its trash. For other
   * sweep ids: restores their trash only while holding their marker; reports their completed
   * staging folders.
   */
  void recover(PrintStream console) {
    try {
      for (FileStatus t : publisher.folders(new Path(root, "_trash"))) {
        String id = idOf(t.getPath().getName());
        if (id == null) {
          continue;
        }
        if (id.equals(sweepId)) {
          restore(t.getPath(), id, console);
          continue;
        }
        // Another sweep's leftover: restore it only while holding that sweep's marker.
        try (SweepLock other = SweepLock.acquire(fs, root, id, console)) {
          restore(t.getPath(), id, console);
        } catch (SweepException e) {
          console.printf("[infersweep] note: %s is left by a writer of sweep %s that may still run%n", t.getPath(), id);
        }
      }
      for (FileStatus s : publisher.folders(new Path(root, "_staging"))) {
        String id = idOf(s.getPath().getName());
        if (id != null && !id.equals(sweepId) && fs.exists(new Path(s.getPath(), Publisher.SUCCESS))) {
          console.printf(
              "[infersweep] note: %s holds the finished rows of sweep %s, never published;"
                  + " resume that sweep to publish them%n",
              s.getPath(), id);
        }
      }
    } catch (IOException e) {
      console.printf("[infersweep] note: could not look for leftovers of earlier writers: %s%n", e.getMessage());
    }
  }

  /** The sweep id of a {@code <id>-<uuid>} folder name, or null when it is not one. */
  static String idOf(String name) {
    int cut = name.length() - 37;
    if (cut < 1 || name.charAt(cut) != '-') {
      return null;
    }
    try {
      UUID.fromString(name.substring(cut + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    String id = name.substring(0, cut);
    return Ids.isValidSweepId(id) ? id : null;
  }

  /**
   * Puts a trashed sweep back where it was published when that place is empty (its writer stopped
   * between moving it aside and publishing the new one), then removes the trash entry.
   */
  private void restore(Path trash, String id, PrintStream console) throws IOException {
    for (FileStatus date : publisher.folders(trash)) {
      Path old = new Path(date.getPath(), ResultSchema.SWEEP_ID + "=" + id);
      Path published = new Path(new Path(root, date.getPath().getName()), old.getName());
      if (fs.exists(old) && !fs.exists(published)) {
        fs.mkdirs(published.getParent());
        if (!fs.rename(old, published)) {
          console.printf("[infersweep] note: could not restore %s to %s%n", old, published);
          return;
        }
        console.printf("[infersweep] restored sweep %s to %s (its writer stopped mid-publish)%n", id, published);
      }
    }
    fs.delete(trash, true);
    publisher.deleteIfEmpty(trash.getParent());
  }
}
