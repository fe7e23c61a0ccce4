package dev.infersweep.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.engine.OnnxRuntime;
import dev.infersweep.stats.Percentiles;
import dev.infersweep.timing.InterleavedTimer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 30's call figures, per engine: one small model's batch-1 call timed two ways side by side in
 * each round, at 1 and at 2 intra-op threads: the engine's own call from Java, the most direct there
 * is ({@link Engine}), and infersweep's timed call ({@code ServedModel.call}) as {@link
 * InterleavedTimer} times it. Their ratio is the harness's cost over the engine's call; it must not
 * grow with the thread count.
 */
public final class CallBench {
  /** The thread counts compared. */
  public static final List<Integer> THREADS = List.of(1, 2);
  static final int WARMUP_CALLS = 2_000;
  static final int CALLS = 20_000;
  /** Enough blocks for a stable p50 of a call of microseconds; no comparison, so the timer stops at minBlocks. */
  private static final InterleavedTimer.Settings TIMER = new InterleavedTimer.Settings(200, 2_000, 2.0, 100, 0.01, 5.0, 1);

  /** The engines, each with its direct call ({@link EngineCalls}). */
  public enum Engine {
    /** ONNX Runtime's Java API: {@code OrtSession.run} on a prepared {@code OnnxTensor}, the output copied out. */
    ONNX_RUNTIME("ONNX Runtime"),
    /** libtorch through DJL: {@code PtSymbolBlock.forward} on a prepared {@code NDList}, the output copied out. */
    PYTORCH("PyTorch");

    private final String label;

    Engine(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private CallBench() {}

  /**
   * One thread count's figures, medians over the rounds.
   *
   * @param directP50Micros the engine's own call in a loop
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
  public record Figures(Engine engine, String model, String engineVersion, int rounds, List<Side> sides, double twoOverOne) {}

  /**
   * Runs {@code rounds} rounds on {@code model}: an ONNX file with one float input, batch dimension
   * first (ONNX Runtime), or a TorchScript file whose one float input has the per-sample shape
   * {@code sampleShape} (PyTorch; ignored for ONNX, whose file says it).
   */
  public static Figures run(Engine engine, Path model, long[] sampleShape, int rounds, PrintStream progress) throws IOException {
    byte[] bytes = Files.readAllBytes(model);
    int n = THREADS.size();
    double[][] direct = new double[n][rounds];
    double[][] timed = new double[n][rounds];
    double[][] ratio = new double[n][rounds];
    double[] twoOverOne = new double[rounds];
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int r = 0; r < rounds; r++) {
        for (int t = 0; t < n; t++) {
          double[] pair = pair(engine, bytes, sampleShape, THREADS.get(t), manager, r % 2 == 0);
          direct[t][r] = pair[0];
          timed[t][r] = pair[1];
          ratio[t][r] = pair[1] / pair[0];
        }
        twoOverOne[r] = ratio[1][r] / ratio[0][r];
        progress.printf(Locale.ROOT, "[bench] %s call, round %d: direct %.2f / %.2f µs, timed %.2f / %.2f µs (1 / 2 threads)%n",
            engine.label(), r + 1, direct[0][r], direct[1][r], timed[0][r], timed[1][r]);
      }
    } catch (Exception e) {
      throw new IllegalStateException(engine.label() + " failed on " + model + ": " + e.getMessage(), e);
    }
    List<Side> sides = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      sides.add(new Side(THREADS.get(t), Percentiles.median(direct[t]), Percentiles.median(timed[t]), Percentiles.median(ratio[t])));
    }
    String version = engine == Engine.ONNX_RUNTIME ? OnnxRuntime.version() : DjlRuntime.engine().getVersion();
    return new Figures(engine, model.toString(), version, rounds, sides, Percentiles.median(twoOverOne));
  }

  /**
   * The direct loop's p50 and the timed call's p50 in microseconds at {@code threads}, each on a model
   * of its own from the same bytes; the order alternates between rounds. libtorch's intra-op count
   * belongs to the calling thread, so it is set here, on the thread that makes both calls, and
   * restored after.
   */
  private static double[] pair(Engine engine, byte[] bytes, long[] sampleShape, int threads, NDManager manager, boolean directFirst)
      throws Exception {
    // ONNX Runtime's count is the session's; libtorch's is left as it is for it.
    try (DjlRuntime.IntraOpThreads scope = engine == Engine.PYTORCH ? DjlRuntime.intraOpThreads(threads) : null;
        EngineCalls calls = EngineCalls.of(engine, bytes, sampleShape, threads, manager)) {
      if (directFirst) {
        double d = p50(calls.direct());
        return new double[] {d, timedP50(calls.timed())};
      }
      double t = timedP50(calls.timed());
      return new double[] {p50(calls.direct()), t};
    }
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
