package dev.infersweep.read;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infersweep.result.Cause;
import dev.infersweep.spec.Precision;
import dev.infersweep.stats.PairedRatio;
import dev.infersweep.timing.InterleavedTimer;
import dev.infersweep.train.TorchScriptModel;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The original model timed against its repaired copy, both fresh modules from their bytes, in the
 * sweep's interleaved rounds ({@link InterleavedTimer}, its default warm-up and block settings) on
 * the sweep's timed input: the speed-up is latency(original) / latency(repaired) with its 95 %
 * interval over paired block medians.
 */
public final class RepairTiming {
  /** The sweep's default timing settings (docs/configuration.md, {@code timing.*}). */
  private static final int BLOCK_SIZE = 20;
  private static final int WARMUP_CALLS = 200;
  private static final double WARMUP_MAX_SECONDS = 0.5;
  private static final int MIN_BLOCKS = 20;
  private static final double TARGET_HALF_WIDTH = 0.01;
  private static final double BAND = Cause.BAND_PERCENT / 100.0;

  /**
   * One batch size's answer.
   *
   * @param speedup latency(original) / latency(repaired); null when fewer than two rounds were kept
   */
  public record Speedup(int batch, PairedRatio speedup, int rounds, double measureSeconds, int gcPauses) {
    /** Whether the interval lies within the ±{@value Cause#BAND_PERCENT} % band: no change worth the name. */
    public boolean noChange() {
      return speedup != null && speedup.ciLow() >= 1 - BAND && speedup.ciHigh() <= 1 + BAND;
    }

    /** One line for the user. */
    public String describe(String cpu) {
      if (speedup == null) {
        return String.format(Locale.ROOT, "batch %d: not measured (fewer than 2 rounds free of GC pauses; %d pauses)",
            batch, gcPauses);
      }
      String interval = String.format(Locale.ROOT, "%.3f× (95 %% interval %.3f–%.3f×, %d rounds)",
          speedup.ratio(), speedup.ciLow(), speedup.ciHigh(), rounds);
      if (noChange()) {
        return String.format(Locale.ROOT, "batch %d: no measurable change on this CPU (%s): speed-up %s, within ±%d %%",
            batch, cpu, interval, Cause.BAND_PERCENT);
      }
      String open = speedup.ciLow() < 1 + BAND && speedup.ciHigh() > 1 - BAND
          ? "; the interval reaches into ±" + Cause.BAND_PERCENT + " %, so the change is not established" : "";
      return String.format(Locale.ROOT, "batch %d: speed-up %s on %s%s", batch, interval, cpu, open);
    }
  }

  private RepairTiming() {}

  /**
   * Times both archives at {@code batch} for about {@code maxSeconds} after warm-up (longer, up to
   * {@value InterleavedTimer#DECIDE} times, while the interval straddles an edge of the band).
   */
  public static Speedup time(byte[] original, byte[] repaired, long[] inputShape, Precision precision, int batch,
      double maxSeconds) throws MalformedModelException {
    try (TorchScriptModel a = TorchScriptModel.load(original, Device.cpu());
        TorchScriptModel b = TorchScriptModel.load(repaired, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray input = RepairOutputs.input(
          manager, RepairOutputs.timedInput(inputShape, batch), inputShape, batch, precision);
      List<UnaryOperator<NDArray>> models = List.of(a::forward, b::forward);
      InterleavedTimer.Settings settings = new InterleavedTimer.Settings(
          BLOCK_SIZE, WARMUP_CALLS, WARMUP_MAX_SECONDS, MIN_BLOCKS, TARGET_HALF_WIDTH, maxSeconds, 31L * batch + 7);
      InterleavedTimer.Result r = InterleavedTimer.measure(
          models, List.of(InterleavedTimer.BlockHook.NONE, InterleavedTimer.BlockHook.NONE), input,
          List.of(new InterleavedTimer.Comparison(0, 1)), RepairTiming::straddles, settings, () -> 1);
      PairedRatio ratio = r.ratios() == null ? null : r.ratios().get(0);
      return new Speedup(batch, ratio, r.rounds(), r.measureSeconds(), r.gcPauses());
    }
  }

  /** Whether the interval crosses an edge of the band, so that more rounds could change the answer. */
  private static boolean straddles(List<PairedRatio> ratios) {
    PairedRatio r = ratios.get(0);
    return (r.ciLow() < 1 + BAND && r.ciHigh() > 1 + BAND) || (r.ciLow() < 1 - BAND && r.ciHigh() > 1 - BAND);
  }
}
