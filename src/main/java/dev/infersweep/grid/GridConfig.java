package dev.infersweep.grid;

import dev.infersweep.error.ConfigException;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.AxisValues;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ModelSpec;
import dev.infersweep.spec.TrainRegime;
import dev.infersweep.spec.TimingSpec;

/**
 * A validated grid file. Every field is typed and checked; defaults are already applied.
 *
 * @param name the sweep's name (the file's {@code name}, else the file name without extension)
 * @param file where it was read from, for messages
 * @param maxRows the largest grid allowed unless the caller allows large grids
 * @param model the network as declared layers (the article's SimpleNet for {@code {input, hidden, output}}),
 *     or a TorchScript file (its bytes read by the driver before the sweep)
 * @param data synthetic samples, or a table (read by the driver before the sweep)
 * @param regime minibatch, momentum and the unit the grid gave its checkpoints in
 * @param trainTimeoutSeconds a run whose training takes longer fails (its rows say so)
 * @param axes the values of every axis of {@link Axes}
 * @param saveCheckpoints whether a TorchScript run writes each checkpoint as a TorchScript file
 *     ({@code train.save_checkpoints})
 */
public record GridConfig(
    String name,
    String file,
    long maxRows,
    ModelSpec model,
    DataSpec data,
    TrainRegime regime,
    double trainTimeoutSeconds,
    AxisValues axes,
    TimingSpec timing,
    boolean saveCheckpoints) {

  /** The same grid training {@code other} (the TorchScript model once the driver has read its file). */
  public GridConfig withModel(ModelSpec other) {
    return new GridConfig(name, file, maxRows, other, data, regime, trainTimeoutSeconds, axes, timing, saveCheckpoints);
  }

  /** The same grid training on {@code other} data (the table once the driver has read it). */
  public GridConfig withData(DataSpec other) {
    return new GridConfig(name, file, maxRows, model, other, regime, trainTimeoutSeconds, axes, timing, saveCheckpoints);
  }

  /**
   * Training runs: the product of the run-level axes' value counts.
   *
   * @throws ConfigException when the product does not fit a 64-bit count
   */
  public long runCount() {
    try {
      // A read source's runs are its files, one task each, once the driver has listed them.
      long files = model instanceof ModelSource source ? Math.max(1, source.listed().size()) : 1;
      return Math.multiplyExact(axes.count(Axes.RUN), files);
    } catch (ArithmeticException e) {
      throw tooLarge();
    }
  }

  /** Measurement cells per run: the product of the cell-level axes' value counts. */
  public long cellsPerRun() {
    try {
      return axes.count(Axes.CELL);
    } catch (ArithmeticException e) {
      throw tooLarge();
    }
  }

  /**
   * Result rows: runs × cells per run.
   *
   * @throws ConfigException when the product does not fit a 64-bit count
   */
  public long rowCount() {
    try {
      return Math.multiplyExact(runCount(), cellsPerRun());
    } catch (ArithmeticException e) {
      throw tooLarge();
    }
  }

  /** Whether the grid yields more rows than {@code max_rows}. */
  public boolean exceedsMaxRows() {
    return rowCount() > maxRows;
  }

  /**
   * Refuses a grid larger than {@code max_rows} unless {@code allowLarge}.
   *
   * @param allowLarge the caller accepts a grid above {@code max_rows}
   */
  public void checkSize(boolean allowLarge) {
    if (!allowLarge && exceedsMaxRows()) {
      throw new ConfigException(
          file + ": max_rows: the grid yields " + rowCount() + " rows, more than max_rows " + maxRows
              + "; raise max_rows or allow a large grid");
    }
  }

  /**
   * Refuses a grid that times a cell at more intra-op threads than its task holds ({@code
   * taskCpus}, Spark's {@code spark.task.cpus}): the threads would take cores Spark gave the
   * executor's other tasks, and every task's latencies would measure the sharing. Spark gives each
   * task that many cores on every executor, so the rule holds when executors differ in size.
   */
  public void checkThreads(int taskCpus) {
    int most = axes.get(Axes.INTRA_OP_THREADS).stream().mapToInt(Integer::intValue).max().orElse(1);
    if (most > taskCpus) {
      throw new ConfigException(file + ": timing.threads: " + most + " intra-op threads exceed the " + taskCpus
          + " core(s) each task holds (spark.task.cpus); run with --conf spark.task.cpus=" + most
          + " so that each task holds as many cores, or lower timing.threads");
    }
  }

  private ConfigException tooLarge() {
    StringBuilder sizes = new StringBuilder();
    for (var axis : Axes.ALL) {
      sizes.append(sizes.length() == 0 ? "" : " × ").append(axis.name()).append(' ').append(axes.get(axis).size());
    }
    return new ConfigException(
        file + ": grid: the axes multiply past 2^63 rows (" + sizes + "); nothing was run");
  }
}
