package dev.infersweep.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.infersweep.engine.OnnxRuntime;
import dev.infersweep.read.OrtModel;
import dev.infersweep.stats.Percentiles;
import dev.infersweep.timing.InterleavedTimer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 30's call figures: one small ONNX model's batch-1 call timed two ways side by side in each
 * round, at 1 and at 2 intra-op threads: ONNX Runtime's own Java API called directly in a loop
 * ({@code OrtSession.run} on a prepared {@code OnnxTensor}, the output copied out), and infersweep's
 * timed call ({@link OrtModel#call}) as {@link InterleavedTimer} times it. Their ratio is the
 * harness's cost over the engine's call; it must not grow with the thread count.
 */
public final class OrtCallBench {
  /** The thread counts compared. */
  public static final List<Integer> THREADS = List.of(1, 2);
  private static final int WARMUP_CALLS = 2_000;
  private static final int CALLS = 20_000;
  /** Enough blocks for a stable p50 of a call of microseconds; no comparison, so the timer stops at minBlocks. */
  private static final InterleavedTimer.Settings TIMER = new InterleavedTimer.Settings(200, 2_000, 2.0, 100, 0.01, 5.0, 1);

  private OrtCallBench() {}

  /**
   * One thread count's figures, medians over the rounds.
   *
   * @param directP50Micros ONNX Runtime's Java API called directly in a loop
   * @param timedP50Micros infersweep's call as the timer times it
   * @param timedOverDirect the two's ratio, taken within each round before its median
   */
  public record Side(int threads, double directP50Micros, double timedP50Micros, double timedOverDirect) {
    /** The harness's cost over the engine's own call, as a fraction. */
    public double overheadFraction() {
      return timedOverDirect - 1;
    }
  }

  /**
   * What was measured.
   *
   * @param sides one per thread count of {@link #THREADS}, in order
   * @param twoOverOne the 2-thread ratio over the 1-thread ratio, per round, then the median
   */
  public record Figures(String model, String engineVersion, int rounds, List<Side> sides, double twoOverOne) {}

  /** Runs {@code rounds} rounds on {@code model} (an ONNX file with one float input, batch dimension first). */
  public static Figures run(Path model, int rounds, PrintStream progress) throws IOException {
    byte[] bytes = Files.readAllBytes(model);
    int n = THREADS.size();
    double[][] direct = new double[n][rounds];
    double[][] timed = new double[n][rounds];
    double[][] ratio = new double[n][rounds];
    double[] twoOverOne = new double[rounds];
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int r = 0; r < rounds; r++) {
        for (int t = 0; t < n; t++) {
          double[] pair = pair(bytes, THREADS.get(t), manager, r % 2 == 0);
          direct[t][r] = pair[0];
          timed[t][r] = pair[1];
          ratio[t][r] = pair[1] / pair[0];
        }
        twoOverOne[r] = ratio[1][r] / ratio[0][r];
        progress.printf(Locale.ROOT, "[bench] ONNX Runtime call, round %d: direct %.2f / %.2f µs, timed %.2f / %.2f µs (1 / 2 threads)%n",
            r + 1, direct[0][r], direct[1][r], timed[0][r], timed[1][r]);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on " + model + ": " + e.getMessage(), e);
    }
    List<Side> sides = new java.util.ArrayList<>();
    for (int t = 0; t < n; t++) {
      sides.add(new Side(THREADS.get(t), Percentiles.median(direct[t]), Percentiles.median(timed[t]), Percentiles.median(ratio[t])));
    }
    return new Figures(model.toString(), OnnxRuntime.version(), rounds, sides, Percentiles.median(twoOverOne));
  }

  /**
   * The direct loop's p50 and the timed call's p50 in microseconds at {@code threads}, each on its own
   * session of the same bytes; the order alternates between rounds.
   */
  private static double[] pair(byte[] bytes, int threads, NDManager manager, boolean directFirst) throws OrtException {
    try (OrtSession.SessionOptions options = OnnxRuntime.options(threads, false);
        OrtSession session = OnnxRuntime.environment().createSession(bytes, options);
        OrtModel ours = OrtModel.load(bytes, threads, false)) {
      long[] shape = batchOne(session);
      float[] values = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
      java.util.SplittableRandom random = new java.util.SplittableRandom(1);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      try (OnnxTensor x = OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(values), shape);
          NDArray input = manager.create(values, new Shape(shape))) {
        Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), x);
        Runnable engine = () -> {
          try (OrtSession.Result result = session.run(feed)) {
            ((OnnxTensor) result.get(0)).getByteBuffer();
          } catch (OrtException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        };
        Runnable call = ours.call(input);
        if (directFirst) {
          double d = p50(engine);
          return new double[] {d, timedP50(call)};
        }
        double t = timedP50(call);
        return new double[] {p50(engine), t};
      }
    }
  }

  /** The input's shape with the batch dimension (and any other free one) at 1. */
  private static long[] batchOne(OrtSession session) throws OrtException {
    TensorInfo info = (TensorInfo) session.getInputInfo().values().iterator().next().getInfo();
    return Arrays.stream(info.getShape()).map(d -> d < 0 ? 1 : d).toArray();
  }

  private static double timedP50(Runnable call) {
    InterleavedTimer.Result result = InterleavedTimer.measureCalls(
        List.of(call), List.of(InterleavedTimer.BlockHook.NONE), List.of(), r -> false, TIMER, () -> 1);
    return result.stats().get(0).p50Nanos() / 1e3;
  }

  /** p50 in microseconds of {@value #CALLS} calls, each timed, after {@value #WARMUP_CALLS} untimed ones. */
  private static double p50(Runnable call) {
    return CallTimings.p50(call, WARMUP_CALLS, CALLS);
  }
}
