package dev.infersweep.spec;

import dev.infersweep.net.ModelSpec;
import dev.infersweep.net.Network;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything an executor needs for one training run, fixed on the driver: executors never read the
 * grid file. The run trains once to its largest checkpoint and is measured at every cell, one
 * combination of the cell-level axes ({@link Axes#CELL}).
 *
 * @param runId deterministic from the training configuration (not from the sweep identity)
 * @param runIndex position of the run in the expanded grid, for progress and ordering
 * @param model the network as declared layers, or a TorchScript file with its bytes
 * @param regime minibatch, momentum and the unit of the grid's checkpoints
 * @param settings the run-level axes' values ({@link Axes#RUN})
 * @param cellValues the cell-level axes' values
 * @param threads PyTorch intra-op threads for the task (the cluster's {@code spark.task.cpus})
 * @param device where the run trains and measures; a GPU run uses the GPU Spark gives its task
 */
public record RunSpec(
    String sweepId,
    String sweepDate,
    String gridName,
    String runId,
    int runIndex,
    ModelSpec model,
    DataSpec data,
    TrainRegime regime,
    double trainTimeoutSeconds,
    Point settings,
    AxisValues cellValues,
    TimingSpec timing,
    int threads,
    DeviceKind device)
    implements Serializable {

  /** The canonical description of the training configuration that {@link #runId} hashes. */
  public static String canonical(
      ModelSpec model, DataSpec data, TrainRegime regime, Point settings, DeviceKind device) {
    return "model=" + model.canonical() + ";" + data.canonical() + regime.canonical()
        + settings.canonical(Axes.RUN)
        + ";device="
        + device.label();
  }

  /**
   * The declared network, for the stages that need its layers.
   *
   * @throws IllegalStateException for a run of a TorchScript model (callers check {@link #model} first)
   */
  public Network network() {
    if (model instanceof Network n) {
      return n;
    }
    throw new IllegalStateException("run " + runId + " trains " + model.describe() + ", which has no declared layers");
  }

  /** The value of a run-level axis. */
  public <T> T get(Axis<T> axis) {
    return settings.get(axis);
  }

  /** Every measurement cell of the run, in {@link Axes#CELL} order. */
  public List<Point> cells() {
    return cellValues.points(Axes.CELL);
  }

  /** Epoch counts at which the model is measured, ascending; 0 = freshly initialised. */
  public List<Integer> checkpoints() {
    return cellValues.get(Axes.EPOCHS).stream().sorted().distinct().toList();
  }

  /** The precisions the run is measured in. */
  public List<Precision> precisions() {
    return cellValues.get(Axes.PRECISION);
  }

  /** Optimiser steps per epoch (see {@link TrainRegime#stepsPerEpoch}). */
  public int stepsPerEpoch() {
    return regime.stepsPerEpoch(data);
  }

  /** The timing protocols. */
  public List<Protocol> protocols() {
    return cellValues.get(Axes.PROTOCOL);
  }

  /** The last checkpoint: training stops there. */
  public int lastEpoch() {
    List<Integer> checkpoints = checkpoints();
    return checkpoints.get(checkpoints.size() - 1);
  }

  /** Rows this run returns, whatever happens to it. */
  public int expectedRows() {
    return Math.toIntExact(cellValues.count(Axes.CELL));
  }

  /** The identifiers of every row this run returns. */
  public List<String> rowIds() {
    List<String> ids = new ArrayList<>(expectedRows());
    for (Point cell : cells()) {
      ids.add(rowId(cell));
    }
    return ids;
  }

  /** The row identifier of one measurement cell of this run. */
  public String rowId(Point cell) {
    return Ids.of(runId + ";" + cell.canonical(Axes.CELL));
  }
}
