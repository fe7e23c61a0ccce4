package dev.infersweep.cli;

import dev.infersweep.bench.ModelRepair;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sweep repair}: a TorchScript file's copy with its subnormal values zeroed, written only when
 * its outputs match, then timed against the original (docs/torchscript.md, "Repairing a model").
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    description = "Write a copy of a TorchScript model with every subnormal parameter and buffer value set to 0, "
        + "after checking its outputs, and time it against the original.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the copy was written, or the model has no subnormal value (nothing written)",
      "2:bad option, model or output path (nothing written)",
      "5:the copy could not be written",
      "6:the copy's outputs differ beyond --tolerance (nothing written)"
    })
public final class RepairCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "IN", description = "The TorchScript file to repair (a local path).")
  String model;

  @Option(names = "--input-shape", required = true, split = ",", paramLabel = "DIM",
      description = "One sample's shape without the batch dimension, e.g. 20 or 3,32,32.")
  long[] inputShape;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Where to write the copy (a local path that does not exist yet; never overwritten).")
  String out;

  @Option(names = "--tolerance", paramLabel = "T",
      description = "Allowed output change: max |Δ| ≤ T × (1 + max |output|) (default: 1e-6).")
  double tolerance = ModelRepair.DEFAULT_TOLERANCE;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,64", paramLabel = "N",
      description = "Batch sizes checked and timed, on the sweep's timed input (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--timing-seconds", defaultValue = "2.0", paramLabel = "S",
      description = "Measurement per batch size after warm-up, as timing.max_seconds (default: ${DEFAULT-VALUE}; 0: no timing).")
  double timingSeconds;

  @Override
  public Integer call() {
    ModelRepair.Outcome outcome = ModelRepair.run(
        model, inputShape, out, tolerance, batchSizes, timingSeconds, line -> {
          System.out.println(line);
          System.out.flush();
        });
    return switch (outcome) {
      case WRITTEN, NOTHING_TO_REPAIR -> Main.OK;
      case OUTPUTS_CHANGED -> Main.OUTPUTS_CHANGED;
    };
  }
}
