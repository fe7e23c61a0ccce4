package dev.infersweep.grid;

import dev.infersweep.precision.Precision;
import dev.infersweep.timing.Protocol;
import java.util.List;

/**
 * A validated grid file. Every field is typed and checked; defaults are already applied.
 *
 * @param name the sweep's name (the file's {@code name}, else the file name without extension)
 * @param file where it was read from, for messages
 * @param maxRows the largest grid allowed without {@code --allow-large}
 * @param trainTimeoutSeconds a run whose training takes longer fails (its rows say so)
 */
public record GridConfig(
    String name,
    String file,
    long maxRows,
    ModelSpec model,
    DataSpec data,
    double learningRate,
    double trainTimeoutSeconds,
    Axes grid,
    TimingSpec timing) {

  /**
   * The sweep axes. {@code epochs}, {@code precision} and {@code protocol} are measured inside one
   * training run; the others each multiply the number of runs.
   */
  public record Axes(
      List<Integer> epochs,
      List<Double> weightDecay,
      List<Double> activationScale,
      List<Precision> precision,
      List<Long> seed,
      List<Protocol> protocol,
      List<String> optimizer) {
    public Axes {
      epochs = List.copyOf(epochs);
      weightDecay = List.copyOf(weightDecay);
      activationScale = List.copyOf(activationScale);
      precision = List.copyOf(precision);
      seed = List.copyOf(seed);
      protocol = List.copyOf(protocol);
      optimizer = List.copyOf(optimizer);
    }
  }

  /** Training runs: one per combination of the axes other than epochs and precision. */
  public long runCount() {
    return (long) grid.optimizer().size()
        * grid.weightDecay().size()
        * grid.activationScale().size()
        * grid.seed().size();
  }

  /** Refuses a grid larger than {@code max_rows} unless {@code allowLarge}. */
  public void checkSize(boolean allowLarge) {
    if (rowCount() > maxRows && !allowLarge) {
      throw new ConfigException(
          file + ": max_rows: the grid yields " + rowCount() + " rows, more than max_rows " + maxRows
              + "; raise max_rows or pass --allow-large");
    }
  }

  /** Result rows: runs × epoch checkpoints × precisions × batch sizes × protocols. */
  public long rowCount() {
    return runCount()
        * grid.epochs().size()
        * grid.precision().size()
        * timing.batchSizes().size()
        * grid.protocol().size();
  }
}
