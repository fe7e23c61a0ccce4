package dev.infersweep.run;

import dev.infersweep.read.FileReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Opens model files through Hadoop's file system (local, HDFS, S3, …) with the driver's Hadoop
 * configuration, which travels with the tasks as its serialized form ({@code Configuration} is
 * {@code Writable}, not {@code Serializable}), so an executor reads the same file systems with the
 * same credentials settings as the driver.
 */
public final class ModelFiles implements FileReader, Serializable {
  private static final long serialVersionUID = 1L;
  /** The largest model file read: it is held in memory, with its twins, while it is timed. */
  public static final long MAX_BYTES = 2L << 30;

  private final byte[] configuration;
  private transient Configuration hadoop;

  private ModelFiles(byte[] configuration) {
    this.configuration = configuration;
  }

  /** Files opened with {@code hadoop}'s settings. */
  public static ModelFiles of(Configuration hadoop) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      hadoop.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ModelFiles(bytes.toByteArray());
  }

  private Configuration hadoop() throws IOException {
    if (hadoop == null) {
      Configuration c = new Configuration(false);
      c.readFields(new DataInputStream(new ByteArrayInputStream(configuration)));
      hadoop = c;
    }
    return hadoop;
  }

  /**
   * The file's bytes, at most {@link #MAX_BYTES}.
   *
   * @throws IOException with a one-line message: it does not exist, is a folder, is too large, or cannot be read
   */
  @Override
  public byte[] read(String path) throws IOException {
    return read(path, MAX_BYTES);
  }

  /**
   * The file's bytes, refused above {@code maxBytes} before any is read.
   *
   * @throws IOException with a one-line message starting with the path: it does not exist, is a
   *     folder, is larger than {@code maxBytes}, or cannot be read
   */
  public byte[] read(String path, long maxBytes) throws IOException {
    FileStatus status;
    FileSystem fs;
    Path p;
    try {
      p = new Path(path);
      fs = p.getFileSystem(hadoop());
      status = fs.getFileStatus(p);
    } catch (java.io.FileNotFoundException e) {
      throw new IOException(path + " does not exist", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(path + " cannot be read: " + e.getMessage(), e);
    }
    if (status.isDirectory()) {
      throw new IOException(path + " is a folder, not a model file");
    }
    if (status.getLen() > maxBytes) {
      throw new IOException(path + " is " + status.getLen() + " bytes; at most " + maxBytes + " are read");
    }
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IOException(path + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code bytes} to {@code path} atomically: into a hidden file beside it, then renamed, so a
   * reader sees the whole file or none. A file already there (an earlier attempt of the same run) is
   * replaced.
   */
  public void write(String path, byte[] bytes) throws IOException {
    Path target = new Path(path);
    FileSystem fs = target.getFileSystem(hadoop());
    Path partial = new Path(target.getParent(), "." + target.getName() + "." + java.util.UUID.randomUUID() + ".partial");
    fs.mkdirs(target.getParent());
    try (var out = fs.create(partial, false)) {
      out.write(bytes);
    }
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(partial, target)) {
      fs.delete(partial, false);
      throw new IOException("could not rename " + partial + " to " + target);
    }
  }
}
