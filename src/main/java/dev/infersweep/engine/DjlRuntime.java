package dev.infersweep.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The PyTorch engine of this JVM, loaded once (as DJL's Spark extension does per executor) and in
 * offline mode: the bundled native library is used and DJL never tries to download one. Set
 * {@code DJL_OFFLINE=false} (or {@code -Dai.djl.offline=false}) to let DJL fetch a CUDA build.
 */
public final class DjlRuntime {
  private static Engine engine;

  /**
   * Held while a {@code GradientCollector} is open: DJL allows one collecting collector per
   * process, so whatever records an autograd graph (the autograd training path, the seed article's
   * protocol) takes turns with the other tasks of the executor.
   */
  public static final Object AUTOGRAD = new Object();

  private DjlRuntime() {}

  public static synchronized Engine engine() {
    if (engine == null) {
      if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
        System.setProperty("ai.djl.offline", "true");
      }
      engine = Engine.getEngine("PyTorch");
    }
    return engine;
  }

  /**
   * Sets PyTorch's intra-op thread count for the calling thread: in libtorch's OpenMP build it is
   * that thread's OpenMP {@code nthreads-var}, so a task's setting leaves the executor's other task
   * threads alone ({@code FlushToZeroTest} checks it).
   *
   * @return the count now in effect
   */
  public static int useThreads(int threads) {
    engine();
    if (JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
    return JniUtils.getNumThreads();
  }

  /**
   * Sets the calling thread's intra-op thread count to {@code threads} until the returned scope is
   * closed, which restores the count it found (in a try-with-resources, so no count leaks past a cell).
   *
   * @throws IllegalStateException when libtorch does not take the count
   */
  public static IntraOpThreads intraOpThreads(int threads) {
    engine();
    IntraOpThreads scope = new IntraOpThreads(JniUtils.getNumThreads());
    int now = useThreads(threads);
    if (now != threads) {
      scope.close();
      throw new IllegalStateException("PyTorch runs " + now + " intra-op threads when asked for " + threads);
    }
    return scope;
  }

  /** The intra-op thread count a cell set, and the one {@link #close} restores. */
  public record IntraOpThreads(int previous) implements AutoCloseable {
    @Override
    public void close() {
      useThreads(previous);
    }
  }

  /** A device's name in rows and probe arguments: {@code cpu}, or {@code gpu:N}. */
  public static String name(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }

  /** The DJL device for a row's {@code device} value ({@code cpu}, or {@code gpu:N}). */
  public static Device device(String name) {
    if (name.equals("cpu")) {
      return Device.cpu();
    }
    if (name.matches("gpu:[0-9]+")) {
      return Device.gpu(Integer.parseInt(name.substring(4)));
    }
    throw new IllegalArgumentException("'device' must be cpu or gpu:N, found " + name);
  }
}
