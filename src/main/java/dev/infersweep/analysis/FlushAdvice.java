package dev.infersweep.analysis;

import java.util.Comparator;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * How a server applies flush-to-zero so that it reaches every thread that runs the model, per engine
 * and intra-op thread count (the {@code engine} and {@code intra_op_threads} of the rows whose flush
 * twin restored the speed). PyTorch's switch sets MXCSR on the calling thread only, and OpenMP workers
 * keep the state they were created with; ONNX Runtime's is a session option that covers its pool.
 */
final class FlushAdvice {
  private FlushAdvice() {}

  /** The engine that timed a row, from its {@code engine} column. */
  enum Engine {
    PYTORCH("PyTorch"),
    ONNXRUNTIME("ONNX Runtime");

    final String words;

    Engine(String words) {
      this.words = words;
    }

    /** {@code onnxruntime} is ONNX Runtime; {@code pytorch} and rows written before the column (null) are PyTorch. */
    static Engine of(String column) {
      if (column == null || column.equals("pytorch")) {
        return PYTORCH;
      }
      if (column.equals("onnxruntime")) {
        return ONNXRUNTIME;
      }
      throw new IllegalArgumentException("engine '" + column + "' is neither pytorch nor onnxruntime");
    }
  }

  /**
   * An engine and intra-op thread count.
   *
   * @param threads the rows' {@code intra_op_threads}; null where the rows do not carry it
   */
  record Setting(Engine engine, Integer threads) {
    static final Comparator<Setting> ORDER = Comparator.comparing(Setting::engine)
        .thenComparing(s -> s.threads() == null ? Integer.MAX_VALUE : s.threads());

    static Setting of(Row r) {
      Number threads = AnswerRows.get(r, "intra_op_threads");
      return new Setting(Engine.of(AnswerRows.text(r, "engine")), threads == null ? null : threads.intValue());
    }

    /** Whether other threads than the caller's run the model's kernels (unknown counts as yes). */
    boolean pooled() {
      return threads == null || threads > 1;
    }

    /** "PyTorch at 2 intra-op threads". */
    String words() {
      return engine.words + (threads == null ? " (intra-op threads not recorded)"
          : String.format(Locale.ROOT, " at %d intra-op thread%s", threads, threads == 1 ? "" : "s"));
    }
  }

  /** The report's instruction: how the server flushes denormals so that every thread running the model does. */
  static String how(Setting s) {
    if (s.engine() == Engine.ONNXRUNTIME) {
      return "set sess_options.add_session_config_entry(\"session.set_denormal_as_zero\", \"1\") on every session "
          + "(Java: SessionOptions.addConfigEntry), which sets FTZ/DAZ on the session's intra-op pool threads; with "
          + "global thread pools, call SetGlobalDenormalAsZero on the threading options instead (onnxruntime #17011, "
          + "PR #5391). The thread that calls Run "
          + (s.pooled() ? "runs part of every call too" : "runs every kernel at one intra-op thread")
          + ": flush it as well (the flush twin did)";
    }
    if (!s.pooled()) {
      return "call torch.set_flush_denormal(True) in Python (at::globalContext().setFlushDenormal(true) in C++) on "
          + "the thread that runs the model: with one intra-op thread every kernel runs there";
    }
    return "torch.set_flush_denormal(True) (at::globalContext().setFlushDenormal(true) in C++) sets MXCSR on the calling "
        + "thread only, and OpenMP workers keep the state they were created with: call it before the intra-op pool "
        + "starts (before the first parallel op), or on every worker (e.g. inside an at::parallel_for or OpenMP "
        + "parallel region that runs it on each thread)";
  }

  /** The console's remedy words, short. */
  static String brief(Setting s) {
    if (s.engine() == Engine.ONNXRUNTIME) {
      return "flush-to-zero in every session (session.set_denormal_as_zero=1, SetGlobalDenormalAsZero with global "
          + "thread pools) and on the calling thread";
    }
    return s.pooled()
        ? "flush-to-zero on every serving thread (torch.set_flush_denormal(True) before the first parallel op, or on each OpenMP worker)"
        : "flush-to-zero on the serving thread (torch.set_flush_denormal(True))";
  }
}
