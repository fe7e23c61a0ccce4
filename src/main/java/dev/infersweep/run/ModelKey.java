package dev.infersweep.run;

import dev.infersweep.spec.Axes;
import dev.infersweep.spec.Point;
import dev.infersweep.spec.Precision;

/**
 * A timed model: a checkpoint in one precision. Its diagnostics serve every cell of that checkpoint
 * and precision, whatever the batch size or protocol.
 */
record ModelKey(int epochs, Precision precision) {
  static ModelKey of(Point cell) {
    return new ModelKey(cell.get(Axes.EPOCHS), cell.get(Axes.PRECISION));
  }
}
