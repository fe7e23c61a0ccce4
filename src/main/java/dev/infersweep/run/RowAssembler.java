package dev.infersweep.run;

import dev.infersweep.result.Diagnostics;
import dev.infersweep.result.Environment;
import dev.infersweep.result.Outcome;
import dev.infersweep.result.ResultRow;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.archive.ArchiveException;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.result.ModelFile;
import dev.infersweep.train.ScriptedState;
import java.time.Instant;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The last stage: exactly one row per cell of the run, whatever happened to it. */
final class RowAssembler {
  private RowAssembler() {}

  /**
   * The run's rows.
   *
   * @param opened null when the run could not be opened
   * @param environment where it ran, or null when not even that is known
   */
  static List<ResultRow> rows(
      RunSpec spec,
      Opened opened,
      Environment environment,
      Trained trained,
      Map<Point, Outcome> timed,
      Map<ModelKey, Diagnostics> diagnostics,
      Long calibrationStartNanos,
      Long calibrationEndNanos) {
    List<ResultRow> rows = new ArrayList<>(spec.expectedRows());
    Map<Integer, ModelFile> states = new HashMap<>();
    for (Point cell : spec.cells()) {
      Checkpoint checkpoint = trained.checkpoints().get(cell.get(Axes.EPOCHS));
      rows.add(
          new ResultRow(
              spec,
              cell,
              environment,
              checkpoint == null ? null : checkpoint.state(),
              diagnostics.get(ModelKey.of(cell)),
              outcome(cell, opened, checkpoint, trained, timed),
              calibrationStartNanos,
              calibrationEndNanos,
              Instant.now(),
              checkpoint == null ? null : states.computeIfAbsent(checkpoint.epoch(), e -> state(checkpoint, trained.saved().get(e)))));
    }
    return rows;
  }

  /**
   * What a TorchScript checkpoint holds, parameters and buffers, read from the state it saved (its
   * {@code layers}); null for a declared network's, or a state this reader cannot read.
   */
  private static ModelFile state(Checkpoint checkpoint, String savedAt) {
    if (!(checkpoint.snapshot() instanceof ScriptedState state)) {
      return null;
    }
    try {
      return new ModelFile(savedAt, state.sha256(), null, TorchArchive.read(state.archive()).tensors());
    } catch (ArchiveException e) {
      return null;
    }
  }

  private static Outcome outcome(
      Point cell, Opened opened, Checkpoint checkpoint, Trained trained, Map<Point, Outcome> timed) {
    if (checkpoint == null) {
      return trained.failure() != null
          ? trained.failure()
          : new Outcome.Failed("training stopped before epoch " + cell.get(Axes.EPOCHS) + " for an unknown reason");
    }
    Precision precision = cell.get(Axes.PRECISION);
    if (!opened.runnable(precision)) {
      return new Outcome.Unsupported(opened.unsupportedReason(precision));
    }
    Outcome outcome =
        switch (cell.get(Axes.PROTOCOL)) {
          case RIGOROUS -> timed.get(cell);
          case SEED -> trained.seed().get(cell);
        };
    return outcome != null
        ? outcome
        : new Outcome.Failed("the " + cell.get(Axes.PROTOCOL).label() + " protocol was not measured at this checkpoint");
  }
}
