package dev.infersweep.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.net.ReadModel;
import dev.infersweep.probe.TensorProbe;
import dev.infersweep.archive.ModelFormat;
import dev.infersweep.engine.OnnxRuntime;
import dev.infersweep.read.ModelCheck;
import dev.infersweep.read.ReadFile;
import dev.infersweep.read.ReadModels;
import dev.infersweep.read.UnreadableModel;
import dev.infersweep.result.Diagnostics;
import dev.infersweep.result.Environment;
import dev.infersweep.result.ModelFile;
import dev.infersweep.result.Outcome;
import dev.infersweep.result.ResultRow;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.timing.Calibration;
import dev.infersweep.timing.InterleavedTimer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * One task of a sweep whose models are read, not trained: open the engine, read the task's own file
 * (and a series' baseline) through Hadoop and check it, time it at each batch size against its
 * controls in the same interleaved rounds as a trained checkpoint ({@link TimeStage}), read its
 * tensors' state, and return one row per cell. Like {@link RunTask} it never throws: a file that
 * cannot be read, loaded or run with the declared input becomes its own failed rows.
 */
final class ReadTask {
  private ReadTask() {}

  static List<ResultRow> execute(RunSpec spec, Executor executor, ModelFiles files, IntSupplier activeTasks) {
    ReadModel model = (ReadModel) spec.model();
    Long calibrationStart = null;
    Environment environment = null;
    ReadModels read = null;
    Outcome.Failed failure = null;
    Device device = null;
    try {
      calibrationStart = Calibration.measureNanos();
      OpenStage.Placement placement = OpenStage.place(spec, executor);
      environment = placement.environment();
      device = placement.device();
      if (files == null) {
        throw new IllegalStateException("the driver shipped no file system settings to this task");
      }
      read = ReadModels.read(model, files);
    } catch (UnreadableModel e) {
      // One line that names the file and what is wrong: the stack says nothing more.
      failure = new Outcome.Failed(e.getMessage());
    } catch (Throwable t) {
      failure = Outcome.Failed.of(t);
    }
    Map<Point, Outcome> timed = read == null ? Map.of() : time(spec, device, read, activeTasks);
    Long calibrationEnd = null;
    try {
      calibrationEnd = Calibration.measureNanos();
    } catch (Throwable t) {
      // Leave it null: the rows are still good.
    }
    return rows(spec, environment, read, failure, timed, calibrationStart, calibrationEnd);
  }

  private static Map<Point, Outcome> time(
      RunSpec spec, Device device, ReadModels read, IntSupplier activeTasks) {
    Map<Point, Outcome> out = new LinkedHashMap<>();
    for (Point cell : spec.cells()) {
      out.put(cell, measure(spec, device, read, cell, activeTasks));
    }
    return out;
  }

  private static Outcome measure(
      RunSpec spec, Device device, ReadModels read, Point cell, IntSupplier activeTasks) {
    int batch = cell.get(dev.infersweep.spec.Axes.BATCH_SIZE);
    String refused = ModelCheck.batchRefusal(read.model().path(), read.model().checked(), batch);
    if (refused != null) {
      return new Outcome.Failed(refused);
    }
    // The cell's intra-op count for libtorch's models and ONNX Runtime's sessions alike; the task's after it.
    int cellThreads = cell.get(dev.infersweep.spec.Axes.INTRA_OP_THREADS);
    try (DjlRuntime.IntraOpThreads scope = DjlRuntime.intraOpThreads(cellThreads);
        NDManager manager = NDManager.newBaseManager(device);
        CellModels models = new CellModels(read, device, cellThreads)) {
      NDList input = Inputs.create(manager, spec, batch);
      InterleavedTimer.Result r = TimeStage.timed(spec, cell, models, input, activeTasks, InterleavedTimer::measureCalls);
      if (r.ratios() == null) {
        return new Outcome.Failed(
            "fewer than 2 block pairs free of GC pauses within timing.max_seconds (" + r.gcPauses() + " pauses)");
      }
      return new Outcome.Measured(TimeStage.measurement(r, models));
    } catch (Throwable e) {
      return Outcome.Failed.of(e);
    }
  }

  private static List<ResultRow> rows(
      RunSpec spec, Environment environment, ReadModels read, Outcome.Failed failure, Map<Point, Outcome> timed,
      Long calibrationStart, Long calibrationEnd) {
    ModelFile file = read == null ? ModelFile.unread(((ReadModel) spec.model()).path()) : file(read.model(), environment);
    Diagnostics diagnostics = read == null ? null
        : TensorProbe.of(read.model().stored().tensors(), read.model().checked().outputFinite());
    List<ResultRow> rows = new ArrayList<>();
    for (Point cell : spec.cells()) {
      Outcome outcome = failure != null ? failure : timed.get(cell);
      rows.add(new ResultRow(spec, cell, environment, null, diagnostics,
          outcome == null ? new Outcome.Failed("the model was not timed at this batch size") : outcome,
          calibrationStart, calibrationEnd, Instant.now(), file));
    }
    return rows;
  }

  private static ModelFile file(ReadFile f, Environment environment) {
    boolean onnx = f.format() == ModelFormat.ONNX;
    String version = onnx ? OnnxRuntime.version() : environment == null ? null : environment.pytorchVersion();
    return new ModelFile(f.path(), f.sha256(), f.precision().label(), f.stored().tensors(), f.format().engine(), version);
  }
}
