package dev.infersweep.run;

import dev.infersweep.grid.DataSpec;
import dev.infersweep.grid.ModelSpec;
import dev.infersweep.grid.TimingSpec;
import dev.infersweep.precision.Precision;
import dev.infersweep.timing.Protocol;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything an executor needs for one training run, fixed on the driver. The run trains once to its
 * largest checkpoint and is timed at every checkpoint, in every precision, at every batch size.
 *
 * @param runId deterministic from the training configuration (not from the sweep identity)
 * @param runIndex position of the run in the expanded grid, for progress and ordering
 * @param checkpoints ascending epoch counts at which the model is measured; 0 = freshly initialised
 * @param threads PyTorch intra-op threads for the task (the cluster's {@code spark.task.cpus})
 * @param device where the run trains and measures: {@code cpu}, or {@code gpu} on the driver, which
 *     the executor turns into the {@code gpu:N} Spark assigned to the task
 */
public record RunSpec(
    String sweepId,
    String sweepDate,
    String gridName,
    String runId,
    int runIndex,
    ModelSpec model,
    DataSpec data,
    String optimizer,
    double learningRate,
    double trainTimeoutSeconds,
    double weightDecay,
    double activationScale,
    long seed,
    List<Integer> checkpoints,
    List<Precision> precisions,
    List<Protocol> protocols,
    TimingSpec timing,
    int threads,
    String device)
    implements Serializable {

  public RunSpec {
    checkpoints = checkpoints.stream().sorted().distinct().toList();
    precisions = List.copyOf(precisions);
    protocols = List.copyOf(protocols);
  }

  /** The canonical description of the training configuration that {@link #runId} hashes. */
  public static String canonical(
      ModelSpec model,
      DataSpec data,
      String optimizer,
      double learningRate,
      double weightDecay,
      double activationScale,
      long seed,
      String device) {
    return String.format(
        Locale.ROOT,
        "model=%dx%dx%d;samples=%d;data_seed=%d;optimizer=%s;lr=%s;wd=%s;scale=%s;seed=%d;device=%s",
        model.input(),
        model.hidden(),
        model.output(),
        data.samples(),
        data.seed(),
        optimizer,
        Double.toString(learningRate),
        Double.toString(weightDecay),
        Double.toString(activationScale),
        seed,
        device);
  }

  /** The same run on a concrete device (an executor resolves {@code gpu} to its {@code gpu:N}). */
  public RunSpec onDevice(String concrete) {
    return new RunSpec(
        sweepId, sweepDate, gridName, runId, runIndex, model, data, optimizer, learningRate,
        trainTimeoutSeconds, weightDecay, activationScale, seed, checkpoints, precisions, protocols,
        timing, threads, concrete);
  }

  public int lastEpoch() {
    return checkpoints.get(checkpoints.size() - 1);
  }

  /** Rows this run returns, whatever happens to it. */
  public int expectedRows() {
    return checkpoints.size() * precisions.size() * timing.batchSizes().size() * protocols.size();
  }

  /** The identifiers of every row this run returns. */
  public List<String> rowIds() {
    List<String> ids = new ArrayList<>(expectedRows());
    for (int epoch : checkpoints) {
      for (Precision precision : precisions) {
        for (int batch : timing.batchSizes()) {
          for (Protocol protocol : protocols) {
            ids.add(rowId(epoch, precision, batch, protocol));
          }
        }
      }
    }
    return ids;
  }

  /** The row identifier for one measurement cell of this run. */
  public String rowId(int epochs, Precision precision, int batchSize, Protocol protocol) {
    return Ids.of(
        runId
            + ";epochs="
            + epochs
            + ";precision="
            + precision.label()
            + ";batch="
            + batchSize
            + ";protocol="
            + protocol.label());
  }
}
