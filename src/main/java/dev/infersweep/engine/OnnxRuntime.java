package dev.infersweep.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * ONNX Runtime, the engine of {@code .onnx} files, through its own Java API: one environment per JVM
 * (the native library comes out of the jar, nothing is downloaded), per-session thread pools (no
 * global pools), and the session options every timed session gets.
 *
 * <p>ONNX Runtime applies {@code session.set_denormal_as_zero} to the calling thread only once per
 * process, with the value of the first session it initialises ({@code std::call_once} in {@code
 * InferenceSession}), and to a session's own intra-op pool threads each time. So that a flushed session
 * made first can never leave a task thread flushing for good, the environment's first session is a
 * plain one ({@code "0"}): the calling thread is then never flushed by ONNX Runtime, and the flush
 * twin's calling thread is switched for its blocks as libtorch's is ({@link FlushToZero}).
 */
public final class OnnxRuntime {
  /** ONNX Runtime's session key for FTZ and DAZ (onnxruntime_session_options_config_keys.h). */
  public static final String DENORMAL_AS_ZERO = "session.set_denormal_as_zero";
  private static final String SPINNING = "session.intra_op.allow_spinning";
  private static OrtEnvironment environment;

  private OnnxRuntime() {}

  /** The JVM's environment, made once; its first session is a plain one (see the class comment). */
  public static synchronized OrtEnvironment environment() {
    if (environment == null) {
      // FATAL only: every error ONNX Runtime logs also comes back as an OrtException, which becomes
      // infersweep's one line (or a failed row); its own log line on stderr would be a second one.
      OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "infersweep");
      try (OrtSession.SessionOptions plain = options(1, false);
          OrtSession first = env.createSession(tinyModel("Identity", 1), plain)) {
        first.getInputNames();
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime cannot create a session: " + e.getMessage(), e);
      }
      environment = env;
    }
    return environment;
  }

  /** ONNX Runtime's version ({@code 1.22.0}): the {@code engine_version} of its rows. */
  public static String version() {
    return environment().getVersion();
  }

  /**
   * A timed session's options: {@code threads} intra-op threads (1 runs every kernel on the calling
   * thread), one inter-op thread in sequential mode, no spinning between calls (an idle session's pool
   * would otherwise take CPU from the one being timed), the default graph optimisations, and FTZ/DAZ
   * for its pool threads when {@code flushed}.
   */
  public static OrtSession.SessionOptions options(int threads, boolean flushed) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.addConfigEntry(SPINNING, "0");
      o.addConfigEntry(DENORMAL_AS_ZERO, flushed ? "1" : "0");
      return o;
    } catch (OrtException | RuntimeException e) {
      o.close();
      throw e;
    }
  }

  /**
   * A one-node float32 model ({@code y = op(x, …)} with {@code x} given {@code arity} times, x of
   * shape [n]): the environment's first session, and the engine's tests.
   */
  public static byte[] tinyModel(String opType, int arity) {
    ByteArrayOutputStream node = new ByteArrayOutputStream();
    for (int i = 0; i < arity; i++) {
      node.writeBytes(field(1, text("x")));
    }
    node.writeBytes(field(2, text("y")));
    node.writeBytes(field(4, text(opType)));
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    graph.writeBytes(field(1, node.toByteArray()));
    graph.writeBytes(field(2, text("tiny")));
    graph.writeBytes(field(11, valueInfo("x")));
    graph.writeBytes(field(12, valueInfo("y")));
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    model.writeBytes(new byte[] {0x08, 0x07}); // ir_version 7
    model.writeBytes(field(8, new byte[] {0x10, 13})); // opset_import { version: 13 }
    model.writeBytes(field(7, graph.toByteArray()));
    return model.toByteArray();
  }

  private static byte[] valueInfo(String name) {
    byte[] dim = field(1, field(2, text("n"))); // shape { dim { dim_param: "n" } }
    byte[] tensor = concat(new byte[] {0x08, 0x01}, field(2, dim)); // elem_type FLOAT, shape
    return concat(field(1, text(name)), field(2, field(1, tensor)));
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A length-delimited field (lengths below 2^14 here). */
  private static byte[] field(int number, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((number << 3) | 2);
    int n = value.length;
    while (n >= 0x80) {
      out.write((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    out.write(n);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
