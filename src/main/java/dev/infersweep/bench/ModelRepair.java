package dev.infersweep.bench;

import dev.infersweep.read.Repair;
import dev.infersweep.run.Host;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code jobs/sweep repair} below the command line: a thin door to {@link Repair} (in {@code read}),
 * which the command line may not reach itself (only {@code run} and {@code bench} use the stages),
 * adding the CPU's name for the timing lines. Like the benchmarks it times stages directly, outside
 * Spark.
 */
public final class ModelRepair {
  /** How a repair ended. */
  public enum Outcome {
    /** The copy was written (its outputs matched). */
    WRITTEN,
    /** The model holds no subnormal value: nothing written. */
    NOTHING_TO_REPAIR,
    /** The copy's outputs differ beyond the tolerance: nothing written. */
    OUTPUTS_CHANGED
  }

  /** The default relative output tolerance, for the option's help. */
  public static final double DEFAULT_TOLERANCE = dev.infersweep.read.RepairOutputs.DEFAULT_TOLERANCE;

  private ModelRepair() {}

  /**
   * @throws dev.infersweep.error.ConfigException one line, nothing written: a bad model, shape or path
   * @throws dev.infersweep.error.SweepException of kind IO when the copy cannot be written
   */
  public static Outcome run(String model, long[] inputShape, String out, double tolerance, List<Integer> batches,
      double timingSeconds, Consumer<String> say) {
    Repair.Request request =
        new Repair.Request(model, inputShape, out, tolerance, batches, timingSeconds, Host.cpuModel());
    return switch (Repair.run(request, say)) {
      case WRITTEN -> Outcome.WRITTEN;
      case NOTHING_TO_REPAIR -> Outcome.NOTHING_TO_REPAIR;
      case OUTPUTS_CHANGED -> Outcome.OUTPUTS_CHANGED;
    };
  }
}
