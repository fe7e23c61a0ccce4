package dev.infersweep.read;

import java.io.IOException;

/** Reads a model file's bytes by its path (on a cluster, through Hadoop's file system). */
@FunctionalInterface
public interface FileReader {
  /**
   * @throws IOException with a one-line message starting with the path: it does not exist, is a
   *     folder, is too large, or cannot be read
   */
  byte[] read(String path) throws IOException;
}
