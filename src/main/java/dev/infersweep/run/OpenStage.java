package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.precision.PrecisionSupport;
import dev.infersweep.result.Environment;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.TrainingSet;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.SyntheticData;

/** The first stage: engine, device, environment, precision support and data. */
final class OpenStage {
  private OpenStage() {}

  /**
   * Where a run lands: its device and environment, known before anything can fail for the run's
   * own reasons, so that even a row of a run that could not open says where it ran.
   */
  record Placement(Device device, Environment environment) {}

  /** Loads the engine, resolves the device and reads the environment. */
  static Placement place(RunSpec spec, Executor executor) {
    Engine engine = DjlRuntime.engine();
    int threads = DjlRuntime.useThreads(spec.threads());
    Device device = device(spec.device(), executor);
    return new Placement(
        device,
        new Environment(
            Host.name(),
            executor.executorId(),
            Host.cpuModel(),
            DjlRuntime.name(device),
            device.isGpu() ? Host.gpuName(device.getDeviceId()) : null,
            Engine.getDjlVersion(),
            engine.getVersion(),
            executor.sparkVersion(),
            System.getProperty("java.version"),
            threads));
  }

  /**
   * Opens {@code spec} where {@code placement} put it.
   *
   * @param table the table the driver shipped, for a run that trains on one; else null
   * @throws IllegalStateException when a GPU run finds no GPU in the engine
   */
  static Opened open(RunSpec spec, Placement placement, TrainingSet table) {
    Engine engine = DjlRuntime.engine();
    Device device = placement.device();
    if (device.isGpu() && engine.getGpuCount() == 0) {
      throw new IllegalStateException(
          "device "
              + DjlRuntime.name(device)
              + " requested but PyTorch "
              + engine.getVersion()
              + " sees no GPU: the bundled library is CPU-only; give GPU executors a CUDA build"
              + " (PYTORCH_LIBRARY_PATH, see docs/cluster.md)");
    }
    return new Opened(
        spec,
        device,
        placement.environment(),
        PrecisionSupport.check(spec.precisions(), device),
        data(spec, table));
  }

  /** The run's fixed training set: generated from its seed, or the table the driver read. */
  static TrainingSet data(RunSpec spec, TrainingSet table) {
    if (spec.data() instanceof DataSpec.Synthetic synthetic) {
      return SyntheticData.generate(synthetic, spec.model());
    }
    if (table == null) {
      throw new IllegalStateException("the run trains on the table " + ((DataSpec.Table) spec.data()).path()
          + " but the driver shipped no table to this task");
    }
    return table;
  }

  /** A GPU run uses the GPU Spark gave the task, or the first one when Spark schedules none. */
  static Device device(DeviceKind kind, Executor executor) {
    return switch (kind) {
      case CPU -> Device.cpu();
      case GPU -> Device.gpu(
          executor.gpuAddresses().isEmpty() ? 0 : Integer.parseInt(executor.gpuAddresses().get(0)));
    };
  }
}
