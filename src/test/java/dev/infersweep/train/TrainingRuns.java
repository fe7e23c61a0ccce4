package dev.infersweep.train;

import ai.djl.Device;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.ArrayList;
import java.util.List;

/** A grid's first run and its checkpoints, by the fast path or by autograd: what the training tests share. */
final class TrainingRuns {
  private TrainingRuns() {}

  static RunSpec run(String yaml) {
    return run(yaml, 1);
  }

  /** The grid's first run, with {@code threads} intra-op threads (as spark.task.cpus would give). */
  static RunSpec run(String yaml, int threads) {
    GridConfig config = GridLoader.parse("t.yaml", "t", yaml);
    return GridExpander.expand(config, "s", "2026-01-01", threads, DeviceKind.CPU).get(0);
  }

  static TrainingSet data(RunSpec spec) {
    return SyntheticData.generate((DataSpec.Synthetic) spec.data(), spec.model());
  }

  static List<Checkpoint> train(RunSpec spec) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.trainFast(spec, Device.cpu(), data(spec), checkpoints::add);
    return checkpoints;
  }

  static List<Checkpoint> trainWithAutograd(RunSpec spec) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.trainWithAutograd(spec, Device.cpu(), data(spec), checkpoints::add);
    return checkpoints;
  }
}
