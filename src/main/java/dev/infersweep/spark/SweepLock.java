package dev.infersweep.spark;

import dev.infersweep.error.SweepException;
import dev.infersweep.run.Host;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * One writer per sweep id: an exclusive marker {@code <root>/_locks/<sweep id>.lock} holding the
 * owner's host and pid, created atomically (O_EXCL on a local file system, a non-overwriting create
 * elsewhere) and kept fresh by a heartbeat. A second writer is refused while the owner lives; a
 * marker whose owner is gone (same host, pid not running) or whose heartbeat stopped is reclaimed.
 */
final class SweepLock implements AutoCloseable {
  /** A marker not touched for this long belongs to a dead writer, wherever it ran. */
  static final long STALE_MILLIS = 10 * 60 * 1000L;

  private static final long HEARTBEAT_MILLIS = 60 * 1000L;

  private final FileSystem fs;
  private final Path file;
  private final ScheduledExecutorService heartbeat;

  private SweepLock(FileSystem fs, Path file) {
    this.fs = fs;
    this.file = file;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "infersweep-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The marker of {@code sweepId} under {@code root}. */
  static Path path(Path root, String sweepId) {
    return new Path(new Path(root, "_locks"), sweepId + ".lock");
  }

  /**
   * Takes the sweep id for this process.
   *
   * @throws SweepException of kind CONFLICT while another live writer holds it
   */
  static SweepLock acquire(FileSystem fs, Path root, String sweepId, PrintStream console) {
    Path file = path(root, sweepId);
    String owner = Host.name() + " " + ProcessHandle.current().pid() + " " + Instant.now() + "\n";
    try {
      fs.mkdirs(file.getParent());
      for (int attempt = 0; attempt < 2; attempt++) {
        if (create(fs, file, owner)) {
          return new SweepLock(fs, file);
        }
        String holder = read(fs, file);
        if (!stale(fs, file, holder)) {
          throw new SweepException(
              SweepException.Kind.CONFLICT,
              "sweep " + sweepId + " is being written by another process (" + describe(holder) + ", marker "
                  + file + "); wait for it to finish");
        }
        console.printf("[infersweep] reclaiming the marker of a writer that is gone (%s)%n", describe(holder));
        fs.delete(file, false);
      }
    } catch (IOException e) {
      throw SweepException.io("cannot take the writer's marker " + file + ": " + e.getMessage(), e);
    }
    throw new SweepException(
        SweepException.Kind.CONFLICT, "sweep " + sweepId + ": another writer took the marker " + file + " meanwhile");
  }

  /** Creates {@code file} only if it does not exist, atomically; false when it exists. */
  private static boolean create(FileSystem fs, Path file, String content) throws IOException {
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      // Hadoop's local create(overwrite=false) checks, then creates: two writers can both pass.
      try {
        Files.writeString(
            Files.createFile(java.nio.file.Path.of(file.toUri().getPath())), content, StandardCharsets.UTF_8);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (java.io.FileNotFoundException e) {
      return "";
    }
  }

  /** Whether the marker's writer is gone: same host and its pid not running, or no heartbeat. */
  static boolean stale(FileSystem fs, Path file, String holder) throws IOException {
    String[] parts = holder.split(" ");
    if (parts.length >= 2 && parts[0].equals(Host.name())) {
      try {
        long pid = Long.parseLong(parts[1]);
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
      } catch (NumberFormatException e) {
        // Unreadable: judge by its age.
      }
    }
    long age = System.currentTimeMillis() - fs.getFileStatus(file).getModificationTime();
    return age > STALE_MILLIS;
  }

  private static String describe(String holder) {
    String[] parts = holder.split(" ");
    return parts.length >= 3 ? "host " + parts[0] + ", pid " + parts[1] + ", since " + parts[2] : "unknown owner";
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      // A missed heartbeat only matters after STALE_MILLIS; the next one will try again.
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      // A leftover marker is reclaimed by the next writer: its pid is gone.
    }
  }
}
