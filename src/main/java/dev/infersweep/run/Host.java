package dev.infersweep.run;

import dev.infersweep.result.Failures;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the machine a run lands on: host name, CPU model, GPU name. */
public final class Host {
  private Host() {}

  /** This machine's host name, or {@code unknown}. */
  public static String name() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The GPU's name as nvidia-smi reports it; null when nvidia-smi is missing or fails. */
  static String gpuName(int index) {
    try {
      Process p =
          new ProcessBuilder(
                  "nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", Integer.toString(index))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && !out.isEmpty() ? out.lines().findFirst().orElse(null) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The CPU's model name from {@code /proc/cpuinfo}, else the architecture. */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: fall through.
    }
    return System.getProperty("os.arch");
  }

  /** One line: the exception's type and message, and the root cause's when it differs. */
  static String describe(Throwable t) {
    return Failures.describe(t);
  }
}
