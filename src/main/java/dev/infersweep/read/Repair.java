package dev.infersweep.read;

import ai.djl.MalformedModelException;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.error.ConfigException;
import dev.infersweep.error.SweepException;
import dev.infersweep.spec.Precision;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code jobs/sweep repair}: a TorchScript file rewritten with every subnormal value of every floating
 * parameter and buffer set to 0 ({@link TorchArchive#withSubnormalsZeroed}), written only when its
 * outputs match the original's ({@link RepairOutputs}), then timed against the original
 * ({@link RepairTiming}). Local files (java.nio): the copy is written to a temporary file in the
 * output's folder and linked to its name, which fails rather than replace a file that appeared.
 */
public final class Repair {
  /**
   * What to repair.
   *
   * @param timingSeconds measurement budget per batch size after warm-up; 0 skips the timing
   */
  public record Request(String model, long[] inputShape, String out, double tolerance, List<Integer> batches,
      double timingSeconds, String cpu) {}

  /** How it ended (the command line maps it to an exit code). */
  public enum Status {
    WRITTEN,
    NOTHING_TO_REPAIR,
    OUTPUTS_CHANGED
  }

  private Repair() {}

  /**
   * @param say receives each line of the account as it is known
   * @throws ConfigException (one line, nothing written) for a bad model, input shape or output path
   * @throws SweepException of kind IO when the copy cannot be written
   */
  public static Status run(Request request, Consumer<String> say) {
    validate(request);
    Path in = Path.of(request.model());
    Path out = Path.of(request.out());
    checkOut(in, out);
    byte[] bytes = readModel(in);
    if (dev.infersweep.archive.ModelFormat.detect(bytes) == dev.infersweep.archive.ModelFormat.ONNX) {
      throw new ConfigException("--model " + request.model() + " is " + dev.infersweep.archive.ModelFormat.ONNX.description()
          + "; repair rewrites TorchScript archives (jobs/sweep scan times an ONNX model's zeroed copy)");
    }
    ModelCheck.Checked checked;
    try {
      checked = ModelCheck.check(request.model(), bytes, request.inputShape());
    } catch (UnreadableModel e) {
      throw new ConfigException("--model " + e.getMessage());
    }
    if (checked.precision() == Precision.BF16) {
      throw new ConfigException("--model " + request.model() + " is bfloat16: DJL 0.36 cannot run its outputs"
          + " to check a repair (supported: float32, float16, float64)");
    }
    long subnormals = checked.model().subnormals();
    long values = checked.model().tensors().stream().filter(t -> t.type().floating()).mapToLong(t -> t.values()).sum();
    if (subnormals == 0) {
      say.accept(request.model() + " has no subnormal values; nothing to repair");
      return Status.NOTHING_TO_REPAIR;
    }
    say.accept(String.format(Locale.ROOT, "%s: %d of %d floating parameter and buffer values are subnormal (%.1f %%); zeroing them",
        request.model(), subnormals, values, 100.0 * subnormals / values));
    byte[] repaired = checked.model().withSubnormalsZeroed().bytes();
    RepairOutputs.Comparison c = compare(bytes, repaired, request, checked.precision());
    String account = String.format(Locale.ROOT,
        "outputs on %d input batches (the timed input at batch %s, 3 random at scales 1, 10, 0.1): max |Δ| = %s;"
            + " closest to its bound: %s of %s allowed (--tolerance %s × (1 + that batch's max |output|))",
        c.inputs(), request.batches(), number(c.maxAbsDifference()), number(c.worst()), number(c.worstBound()),
        number(request.tolerance()));
    say.accept(account);
    if (!c.within()) {
      say.accept("the repaired model's outputs differ beyond the tolerance: " + request.out() + " not written");
      return Status.OUTPUTS_CHANGED;
    }
    write(out, repaired);
    say.accept("wrote " + request.out() + " (" + repaired.length + " bytes, 0 subnormal values)");
    if (request.timingSeconds() > 0) {
      for (int batch : request.batches()) {
        say.accept(time(bytes, repaired, request, checked.precision(), batch).describe(request.cpu()));
      }
    }
    return Status.WRITTEN;
  }

  private static String number(double v) {
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
  }

  /** OUT is neither IN nor an existing file, and its folder exists. */
  static void checkOut(Path in, Path out) {
    try {
      if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())
          || (Files.exists(in) && Files.exists(out) && Files.isSameFile(in, out))) {
        throw new ConfigException("--out " + out + " is the model file itself; repair writes a copy, give another path");
      }
    } catch (IOException e) {
      throw new ConfigException("--out " + out + ": cannot tell whether it is --model " + in + ": " + e.getMessage());
    }
    if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new ConfigException("--out " + out + " already exists; repair never overwrites a file, give a new path");
    }
    Path folder = out.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new ConfigException("--out " + out + ": its folder " + folder + " does not exist");
    }
  }

  private static byte[] readModel(Path in) {
    if (!Files.exists(in)) {
      throw new ConfigException("--model " + in + " does not exist");
    }
    if (Files.isDirectory(in)) {
      throw new ConfigException("--model " + in + " is a folder, not a TorchScript file");
    }
    try {
      return Files.readAllBytes(in);
    } catch (IOException | OutOfMemoryError e) {
      throw new ConfigException("--model " + in + " cannot be read: " + e.getMessage());
    }
  }

  private static RepairOutputs.Comparison compare(byte[] bytes, byte[] repaired, Request r, Precision precision) {
    try {
      return RepairOutputs.compare(bytes, repaired, r.inputShape(), precision, r.batches(), r.tolerance());
    } catch (MalformedModelException e) {
      throw new IllegalStateException("the zeroed copy of a model libtorch loaded does not load: " + e.getMessage(), e);
    }
  }

  private static RepairTiming.Speedup time(byte[] bytes, byte[] repaired, Request r, Precision precision, int batch) {
    try {
      return RepairTiming.time(bytes, repaired, r.inputShape(), precision, batch, r.timingSeconds());
    } catch (MalformedModelException e) {
      throw new IllegalStateException("a model that loaded once does not load again: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code bytes} to a temporary file beside {@code out}, then links it to {@code out}
   * ({@code link(2)} fails when the name exists: never a replaced file, never a half-written one);
   * where the file system has no hard links, an atomic rename after a last existence check. The
   * temporary file is gone afterwards either way.
   */
  static void write(Path out, byte[] bytes) {
    Path folder = out.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      // Not createTempFile, whose owner-only permissions the copy would keep: the umask decides.
      tmp = folder.resolve("." + out.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.createLink(out, tmp);
      } catch (UnsupportedOperationException | IOException noLink) {
        if (noLink instanceof FileAlreadyExistsException) {
          throw new ConfigException("--out " + out + " appeared while repairing; repair never overwrites a file");
        }
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new ConfigException("--out " + out + " appeared while repairing; repair never overwrites a file");
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw SweepException.io("--out " + out + " could not be written: " + e, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp == null) {
      return;
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      // Reported by the caller's own failure, if any; a leftover .tmp is named after OUT.
    }
  }

  /** The options' values: each refused with one line naming the option and what it allows. */
  static void validate(Request r) {
    if (r.inputShape().length == 0 || Arrays.stream(r.inputShape()).anyMatch(d -> d < 1)) {
      throw new ConfigException("--input-shape " + Arrays.toString(r.inputShape())
          + ": one sample's dimensions without the batch, each at least 1 (e.g. 20, or 3,32,32)");
    }
    if (r.batches().isEmpty() || r.batches().stream().anyMatch(b -> b < 1 || b > 1_000_000)) {
      throw new ConfigException("--batch-sizes " + r.batches() + ": between 1 and 1000000 each");
    }
    if (!(r.tolerance() >= 0) || Double.isInfinite(r.tolerance())) {
      throw new ConfigException("--tolerance " + r.tolerance() + ": a finite number at least 0");
    }
    if (!(r.timingSeconds() >= 0) || r.timingSeconds() > 3600) {
      throw new ConfigException("--timing-seconds " + r.timingSeconds() + ": between 0 (no timing) and 3600");
    }
  }
}
