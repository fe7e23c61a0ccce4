package dev.infersweep.precision;

import ai.djl.Device;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.spec.Precision;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Decides, once per JVM and device, which precisions the engine can run. fp32 is the training
 * precision and always counts as supported; every other precision is first tried in a child JVM,
 * because some (bfloat16 with DJL 0.36's PyTorch build) abort the whole process natively, which in
 * an executor would lose every task it runs.
 */
public final class PrecisionSupport {
  /** The verdict for one precision; {@code reason} is empty when supported. */
  public record Verdict(boolean supported, String reason) {}

  private static final Map<String, Verdict> CACHE = new ConcurrentHashMap<>();
  private static final long PROBE_TIMEOUT_SECONDS = 180;

  private PrecisionSupport() {}

  public static synchronized Map<Precision, Verdict> check(
      Collection<Precision> precisions, Device djlDevice) {
    String device = DjlRuntime.name(djlDevice);
    Set<Precision> pending = new LinkedHashSet<>();
    for (Precision p : precisions) {
      if (p != Precision.FP32 && !CACHE.containsKey(key(p, device))) {
        pending.add(p);
      }
    }
    // bf16 last: a precision that aborts the child takes the untried ones down with it.
    List<Precision> order = new ArrayList<>(pending);
    order.sort(Comparator.comparing((Precision p) -> p == Precision.BF16));
    while (!order.isEmpty()) {
      order = probe(order, device);
    }
    Map<Precision, Verdict> verdicts = new EnumMap<>(Precision.class);
    for (Precision p : precisions) {
      verdicts.put(p, p == Precision.FP32 ? new Verdict(true, "") : CACHE.get(key(p, device)));
    }
    return verdicts;
  }

  private static String key(Precision p, String device) {
    return device + "/" + p.label();
  }

  /** Runs one child JVM over {@code order}; returns the precisions it did not reach. */
  private static List<Precision> probe(List<Precision> order, String device) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("infersweep-probe");
      List<String> command = childCommand(dir, order, device);
      Path log = dir.resolve("probe.log");
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean finished = process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<Precision> reached = recordVerdicts(lines, order, device);
      List<Precision> rest = new ArrayList<>(order);
      rest.removeAll(reached);
      if (rest.isEmpty()) {
        return rest;
      }
      // The first precision without a verdict is the one the child was running when it died.
      Precision culprit = rest.remove(0);
      String how =
          finished
              ? "aborted the JVM natively (exit code " + process.exitValue() + ")"
              : "hung for " + PROBE_TIMEOUT_SECONDS + " s";
      CACHE.put(
          key(culprit, device),
          new Verdict(
              false,
              "PyTorch "
                  + how
                  + " running a "
                  + culprit.label()
                  + " forward pass on "
                  + device
                  + " (probed in a child JVM"
                  + lastNativeMessage(lines)
                  + ")"));
      return rest;
    } catch (IOException e) {
      return failAll(order, device, "could not run the precision probe: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failAll(order, device, "precision probe interrupted");
    } finally {
      deleteQuietly(dir);
    }
  }

  /** The child JVM's command line: the probe over {@code order} on {@code device}, crash files in {@code dir}. */
  private static List<String> childCommand(Path dir, List<Precision> order, String device) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:-CreateCoredumpOnCrash");
    command.add("-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"));
    forwardProperty(command, "ai.djl.offline");
    forwardProperty(command, "DJL_CACHE_DIR");
    forwardProperty(command, "ENGINE_CACHE_DIR");
    command.add("-cp");
    command.add(classpath());
    command.add(PrecisionProbe.class.getName());
    command.add(device);
    order.forEach(p -> command.add(p.label()));
    return command;
  }

  /** Caches the verdict of each {@code ok} or {@code fail} line of the child's log; returns their precisions. */
  private static List<Precision> recordVerdicts(List<String> lines, List<Precision> order, String device) {
    List<Precision> reached = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.split(" ", 3);
      Precision p = parts.length >= 2 ? Precision.parse(parts[1]) : null;
      if (p == null || !order.contains(p)) {
        continue;
      }
      if (parts[0].equals("ok")) {
        CACHE.put(key(p, device), new Verdict(true, ""));
        reached.add(p);
      } else if (parts[0].equals("fail")) {
        CACHE.put(key(p, device), new Verdict(false, p.label() + " inference failed on " + device + ": " + (parts.length > 2 ? parts[2] : "")));
        reached.add(p);
      }
    }
    return reached;
  }

  private static List<Precision> failAll(List<Precision> order, String device, String reason) {
    for (Precision p : order) {
      CACHE.put(key(p, device), new Verdict(false, reason));
    }
    return List.of();
  }

  private static String lastNativeMessage(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).trim();
      if (line.startsWith("terminate called") || line.startsWith("what():")) {
        return ": " + line;
      }
    }
    return "";
  }

  private static void forwardProperty(List<String> command, String name) {
    String value = System.getProperty(name);
    if (value != null) {
      command.add("-D" + name + "=" + value);
    }
  }

  /** This JVM's class path plus wherever the probe and DJL were actually loaded from. */
  private static String classpath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c :
        List.of(PrecisionProbe.class, ai.djl.engine.Engine.class, ai.djl.pytorch.engine.PtEngine.class)) {
      try {
        var source = c.getProtectionDomain().getCodeSource();
        if (source != null) {
          entries.add(Path.of(source.getLocation().toURI()).toString());
        }
      } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
        // Fall back on the class path alone.
      }
    }
    entries.add(System.getProperty("java.class.path"));
    return String.join(File.pathSeparator, entries);
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is harmless.
    }
  }
}
