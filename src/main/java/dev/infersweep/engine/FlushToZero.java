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
import java.util.List;

/**
 * Flush-to-zero (FTZ) and denormals-are-zero (DAZ) for the calling thread and its intra-op workers,
 * through libtorch's own switch: {@code at::Context::setFlushDenormal(bool)}, what
 * {@code torch.set_flush_denormal} calls, bound with JNA from the bundled {@code libtorch_cpu.so}
 * that DJL has loaded (no native code of ours, nothing downloaded).
 *
 * <p>The switch writes the MXCSR register of the <em>calling thread</em> only. With one intra-op
 * thread libtorch computes on that thread. With more, its kernels also run on the worker threads of
 * the calling thread's OpenMP pool, which keep their own MXCSR; {@link #on()} then also runs the
 * switch on each of them ({@link OpenMpTeam}), and a team check reads the state back from each
 * thread ({@link TeamProbe}) before a cell is timed flushed. Once per JVM a self-check proves, on
 * this CPU and engine, that with the switch on a libtorch product whose exact value is subnormal
 * comes out 0 (FTZ) and a subnormal operand is read as 0 (DAZ), and that with it off again both
 * libtorch and Java's own arithmetic produce the subnormal value. Where any of this fails the reason
 * says why and nothing is ever flushed: never the caller alone while workers compute unflushed.
 *
 * <p>Callers bracket exactly the code that is to run flushed: {@link #on()} before,
 * {@link #off()} after (in a {@code finally}), on the same thread at the same intra-op count, with no
 * Java floating-point work in between that matters: the JVM itself assumes the default state, so
 * nothing else may run flushed.
 */
public final class FlushToZero {
  /** {@code static bool at::Context::setFlushDenormal(bool)}: a static member, called with the bool alone. */
  static final String SYMBOL = "_ZN2at7Context16setFlushDenormalEb";

  /** The smallest normal fp32 value is 2^-126 ≈ 1.18e-38; these are inputs to the self-check. */
  private static volatile float subnormal = 2.9e-39f;
  private static volatile float half = 0.5f;
  private static volatile float tiny = 1e-20f;

  private static Function setter;
  /** The team size {@link #on()} reached on this thread, so that {@link #off()} reaches as many. */
  private static final ThreadLocal<Integer> TEAM = ThreadLocal.withInitial(() -> 1);
  private static String reason;
  private static boolean checked;

  private FlushToZero() {}

  /**
   * Why flushing cannot be had for the calling thread's intra-op work now; null when {@link #on()}
   * flushes the calling thread's arithmetic and that of every worker of its intra-op pool. Runs the
   * once-per-JVM self-check on its first call and, with more than one intra-op thread, the team check
   * ({@link #teamUnavailableReason}) on every call.
   */
  public static String unavailableReason() {
    String r = selfCheck();
    if (r != null) {
      return r;
    }
    int threads = JniUtils.getNumThreads();
    return threads == 1 ? null : teamUnavailableReason(threads);
  }

  /**
   * Turns FTZ and DAZ on for the calling thread and, with more than one intra-op thread, for every
   * worker of its OpenMP team. Call only where {@link #unavailableReason()} is null.
   */
  public static void on() {
    int threads = JniUtils.getNumThreads();
    if (threads > 1) {
      team(true, threads);
      TEAM.set(threads);
    }
    set(true);
  }

  /** Restores the default (no flushing) on the calling thread and on every worker {@link #on()} reached. */
  public static void off() {
    int threads = Math.max(JniUtils.getNumThreads(), TEAM.get());
    try {
      if (threads > 1) {
        team(false, threads);
      }
    } finally {
      TEAM.set(1);
      set(false);
    }
  }

  /** The calling thread only, as the switch alone does: the control that shows the team switch is needed. */
  static void onCallerOnly() {
    set(true);
  }

  static void offCallerOnly() {
    set(false);
  }

  /**
   * libtorch's switch run on each of {@code threads} threads of the calling thread's OpenMP team:
   * {@code setFlushDenormal} itself is the region's function, native to native, so no JVM frame can
   * undo what it writes. Its {@code bool} argument arrives as the region's {@code void*} data (the
   * first argument travels in the same register whatever its type on x86-64, the only architecture
   * with MXCSR); its result is ignored.
   */
  private static void team(boolean on, int threads) {
    OpenMpTeam.run(setter, on ? 1 : 0, threads);
  }

  /**
   * The team check, with the calling thread at {@code threads} intra-op threads: libgomp bound; every
   * thread of the team unflushed before; every one flushed ({@link TeamProbe}: FTZ and DAZ read back
   * from each thread's own chunk of a libtorch product) after {@link #on()}; every one unflushed again
   * after {@link #off()}. Null when all held.
   */
  static String teamUnavailableReason(int threads) {
    String prefix = "with " + threads + " intra-op threads, ";
    if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
      return prefix + "the switch reaches PyTorch's workers only on x86-64 (this is " + System.getProperty("os.arch") + ")";
    }
    String r = OpenMpTeam.unavailableReason();
    if (r != null) {
      return prefix + "the switch cannot reach PyTorch's worker threads: " + r;
    }
    List<TeamProbe.State> before = TeamProbe.states(threads);
    List<TeamProbe.State> during;
    try {
      on();
      during = TeamProbe.states(threads);
    } finally {
      off();
    }
    List<TeamProbe.State> after = TeamProbe.states(threads);
    if (!TeamProbe.otherThan(after, TeamProbe.State.DOES_NOT).isEmpty() || javaArithmeticFlushes()) {
      restoreDefault(threads);
      return prefix + "switching flush-to-zero off did not restore every thread: threads "
          + TeamProbe.otherThan(after, TeamProbe.State.DOES_NOT) + " still flush (" + after + ")";
    }
    if (!TeamProbe.otherThan(before, TeamProbe.State.DOES_NOT).isEmpty()) {
      return prefix + "threads " + TeamProbe.otherThan(before, TeamProbe.State.DOES_NOT)
          + " flushed before the switch was turned on (" + before + ")";
    }
    if (!TeamProbe.otherThan(during, TeamProbe.State.FLUSHES).isEmpty()) {
      return prefix + "the team check failed: with the switch run on every thread, threads "
          + TeamProbe.otherThan(during, TeamProbe.State.FLUSHES) + " of libtorch's product did not flush (" + during + ")";
    }
    return null;
  }

  /** Whether flushing is on for the calling thread, read off Java's own arithmetic. */
  public static boolean javaArithmeticFlushes() {
    return subnormal * half == 0f;
  }

  private static boolean set(boolean on) {
    Function f = setter;
    if (f == null && selfCheck() == null) {
      f = setter;
    }
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
      restoreDefault(1);
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

  /**
   * glibc's {@code fesetenv(FE_DFL_ENV)}, the last resort when libtorch's switch did not restore: on
   * the calling thread, and with {@code threads} > 1 on every thread of its team too.
   */
  private static void restoreDefault(int threads) {
    try {
      // FE_DFL_ENV is ((const fenv_t *) -1) in glibc.
      Function fesetenv = NativeLibrary.getInstance("c").getFunction("fesetenv");
      if (threads > 1) {
        OpenMpTeam.run(fesetenv, -1L, threads);
      }
      fesetenv.invokeInt(new Object[] {Pointer.createConstant(-1L)});
    } catch (RuntimeException | LinkageError e) {
      // Nothing more can be done; the reason already says flushing is unavailable.
    }
  }
}
