package dev.infersweep.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Flush-to-zero (FTZ) and denormals-are-zero (DAZ) for the calling thread, through libtorch's own
 * switch: {@code at::Context::setFlushDenormal(bool)}, what {@code torch.set_flush_denormal} calls,
 * bound with JNA from the bundled {@code libtorch_cpu.so} that DJL has loaded (no native code of
 * ours, nothing downloaded).
 *
 * <p>The switch writes the MXCSR register of the <em>calling thread</em> only. It therefore reaches
 * the kernels that time a model only when libtorch computes on that thread, i.e. with one intra-op
 * thread; with more, its worker threads keep the default state and a "flushed" figure would be a
 * silent lie, so {@link #unavailableReason()} refuses. Once per JVM a self-check proves, on this
 * CPU and engine, that with the switch on a libtorch product whose exact value is subnormal comes
 * out 0 (FTZ) and a subnormal operand is read as 0 (DAZ), and that with it off again both libtorch
 * and Java's own arithmetic produce the subnormal value. Where any of this fails the reason says why
 * and nothing is ever flushed.
 *
 * <p>Callers bracket exactly the code that is to run flushed: {@link #on()} before,
 * {@link #off()} after (in a {@code finally}), on the same thread, with no Java floating-point work
 * in between that matters: the JVM itself assumes the default state, so nothing else may run
 * flushed.
 */
public final class FlushToZero {
  /** {@code static bool at::Context::setFlushDenormal(bool)}: a static member, called with the bool alone. */
  static final String SYMBOL = "_ZN2at7Context16setFlushDenormalEb";

  /** The smallest normal fp32 value is 2^-126 ≈ 1.18e-38; these are inputs to the self-check. */
  private static volatile float subnormal = 2.9e-39f;
  private static volatile float half = 0.5f;
  private static volatile float tiny = 1e-20f;

  private static Function setter;
  private static String reason;
  private static boolean checked;

  private FlushToZero() {}

  /**
   * Why flushing cannot be had in this JVM now; null when {@link #on()} flushes the calling thread's
   * arithmetic, libtorch's kernels included. Runs the self-check on its first call.
   */
  public static String unavailableReason() {
    String r = selfCheck();
    if (r != null) {
      return r;
    }
    int threads = JniUtils.getNumThreads();
    if (threads != 1) {
      return "PyTorch runs " + threads + " intra-op threads; the switch reaches only the calling thread"
          + " (flush-to-zero is measured with threads = 1, i.e. spark.task.cpus = 1)";
    }
    return null;
  }

  /** Turns FTZ and DAZ on for the calling thread. Call only where {@link #unavailableReason()} is null. */
  public static void on() {
    set(true);
  }

  /** Restores the default (no flushing) on the calling thread. */
  public static void off() {
    set(false);
  }

  /** Whether flushing is on for the calling thread, read off Java's own arithmetic. */
  public static boolean javaArithmeticFlushes() {
    return subnormal * half == 0f;
  }

  private static boolean set(boolean on) {
    Function f = setter;
    if (f == null) {
      throw new IllegalStateException("flush-to-zero is unavailable: " + selfCheck());
    }
    // A C++ bool comes back in the low byte of the return register.
    return (f.invokeInt(new Object[] {on}) & 0xFF) != 0;
  }

  /** The once-per-JVM check; null when it passed. */
  static synchronized String selfCheck() {
    if (!checked) {
      checked = true;
      try {
        reason = bindAndCheck();
      } catch (RuntimeException | LinkageError e) {
        setter = null;
        reason = "binding libtorch's setFlushDenormal failed: " + e;
      }
      if (reason != null) {
        setter = null;
      }
    }
    return reason;
  }

  private static String bindAndCheck() {
    DjlRuntime.engine();
    Path library = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
    if (!Files.isRegularFile(library)) {
      return "the engine's library folder has no " + library.getFileName() + " (" + library.getParent() + ")";
    }
    Function f;
    try {
      f = NativeLibrary.getInstance(library.toString()).getFunction(SYMBOL);
    } catch (UnsatisfiedLinkError e) {
      return library.getFileName() + " exports no at::Context::setFlushDenormal (" + SYMBOL + ")";
    }
    setter = f;
    boolean supported;
    float[] flushed;
    boolean javaFlushed;
    try {
      supported = set(true);
      flushed = torchProducts();
      javaFlushed = javaArithmeticFlushes();
    } finally {
      set(false);
    }
    if (javaArithmeticFlushes()) {
      restoreDefault();
      return "switching flush-to-zero off did not restore the default: 2.9e-39f * 0.5f still came out 0 in Java";
    }
    if (!supported) {
      return "libtorch reports that this CPU has no flush-to-zero (setFlushDenormal returned false)";
    }
    if (flushed[0] != 0f || flushed[1] != 0f || !javaFlushed) {
      return "self-check failed: with flush-to-zero on, libtorch's 1e-20 * 1e-20 gave " + flushed[0]
          + " and 2.9e-39 * 2^24 gave " + flushed[1] + " (0 and 0 expected)";
    }
    float[] restored = torchProducts();
    if (restored[0] == 0f || restored[1] == 0f) {
      return "self-check failed: with flush-to-zero off again, libtorch still flushed (" + restored[0] + ", " + restored[1] + ")";
    }
    return null;
  }

  /**
   * Two one-element fp32 products through libtorch on the calling thread: 1e-20 × 1e-20 (exact value
   * 1e-40, subnormal: 0 under FTZ) and 2.9e-39 × 2^24 (a subnormal operand: 0 under DAZ, else about
   * 4.9e-32).
   */
  private static float[] torchProducts() {
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      NDArray a = manager.create(new float[] {tiny, subnormal});
      NDArray b = manager.create(new float[] {tiny, 16777216f});
      return a.mul(b).toFloatArray();
    }
  }

  /** glibc's {@code fesetenv(FE_DFL_ENV)}, the last resort when libtorch's switch did not restore. */
  private static void restoreDefault() {
    try {
      // FE_DFL_ENV is ((const fenv_t *) -1) in glibc.
      NativeLibrary.getInstance("c").getFunction("fesetenv").invokeInt(new Object[] {Pointer.createConstant(-1L)});
    } catch (RuntimeException | LinkageError e) {
      // Nothing more can be done; the reason already says flushing is unavailable.
    }
  }
}
