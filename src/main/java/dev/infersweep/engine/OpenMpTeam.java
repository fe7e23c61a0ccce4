package dev.infersweep.engine;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OpenMP runtime libtorch computes its intra-op work on: the {@code libgomp} bundled next to
 * {@code libtorch_cpu.so} (its {@code DT_NEEDED}, resolved through its {@code $ORIGIN} run path, so
 * loading the same file by path returns the copy libtorch already uses), bound with JNA.
 *
 * <p>It runs one native function on every thread of the calling thread's team: libgomp keeps a pool
 * of worker threads per thread that starts parallel regions and reuses them, in order, for its next
 * region of the same size; libtorch's {@code at::parallel_for} starts every region with the calling
 * thread's full intra-op count (it never passes a smaller {@code num_threads}). So a region started
 * here with that count reaches the very threads libtorch's kernels run on next ({@code
 * FlushToZeroTest} proves it for this build rather than assuming it).
 *
 * <p>The function must be native: a Java callback would not do, because HotSpot's call stub resets
 * MXCSR to Java's default on entry and restores the saved value on return, so an FP-mode switch made
 * inside a Java callback is undone when it returns.
 */
final class OpenMpTeam {
  /** {@code void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)}. */
  private static Function parallel;
  private static String reason;
  private static boolean bound;

  private OpenMpTeam() {}

  /** Why no team function can be run here; null when {@link #run} works. Binds on the first call. */
  static synchronized String unavailableReason() {
    if (!bound) {
      bound = true;
      try {
        reason = bind();
      } catch (RuntimeException | LinkageError e) {
        reason = "binding the OpenMP runtime's GOMP_parallel failed: " + e;
      }
      if (reason != null) {
        parallel = null;
      }
    }
    return reason;
  }

  /**
   * Runs {@code fn(arg)} once on each of {@code threads} threads: the calling thread (thread 0) and
   * the workers of its pool, and returns when all have.
   */
  static void run(Pointer fn, long arg, int threads) {
    unavailableReason();
    Function f = parallel;
    if (f == null) {
      throw new IllegalStateException("the OpenMP runtime is unavailable: " + unavailableReason());
    }
    f.invokeVoid(new Object[] {fn, Pointer.createConstant(arg), threads, 0});
  }

  private static String bind() throws LinkageError {
    DjlRuntime.engine();
    Path folder = Path.of(LibUtils.getLibtorchPath());
    List<Path> found;
    try (Stream<Path> files = Files.list(folder)) {
      found = files.filter(p -> p.getFileName().toString().matches("libgomp.*\\.so.*")).toList();
    } catch (IOException e) {
      return "cannot list the engine's library folder " + folder + ": " + e.getMessage();
    }
    if (found.size() != 1) {
      return "the engine's library folder " + folder + " holds " + found.size()
          + " libgomp libraries, not one (libtorch's intra-op pool is then not known to be OpenMP's libgomp)";
    }
    try {
      parallel = NativeLibrary.getInstance(found.get(0).toString()).getFunction("GOMP_parallel");
    } catch (UnsatisfiedLinkError e) {
      return found.get(0).getFileName() + " exports no GOMP_parallel";
    }
    return null;
  }
}
