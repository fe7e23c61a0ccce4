package dev.infersweep.probe;

import dev.infersweep.archive.StoredTensor;
import dev.infersweep.result.Diagnostics;
import dev.infersweep.result.LayerState;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of a model read from a file, from its stored tensors: every parameter and buffer (a
 * {@code layers} element each, integer ones included with no subnormal values), and over the floating
 * ones together the L2 norm, largest magnitude, zero share and subnormal share, each value subnormal
 * or not in its own type. A read model has no training data, so no activation figures.
 */
public final class TensorProbe {
  private TensorProbe() {}

  public static Diagnostics of(List<StoredTensor> tensors, boolean outputFinite) {
    double squares = 0;
    double maxAbs = 0;
    long zeros = 0;
    long subnormals = 0;
    long count = 0;
    List<LayerState> layers = new ArrayList<>();
    for (int i = 0; i < tensors.size(); i++) {
      StoredTensor t = tensors.get(i);
      layers.add(new LayerState(i, t.kind().label(), null, null, t.subnormalShare(), t.maxAbs()));
      if (t.type().floating()) {
        squares += t.sumSquares();
        maxAbs = Double.isNaN(t.maxAbs()) || Double.isNaN(maxAbs) ? Double.NaN : Math.max(maxAbs, t.maxAbs());
        zeros += t.zeros();
        subnormals += t.subnormals();
        count += t.values();
      }
    }
    return new Diagnostics(Math.sqrt(squares), maxAbs, count == 0 ? 0 : (double) zeros / count,
        count == 0 ? 0 : (double) subnormals / count, null, null, null, null, outputFinite, layers);
  }
}
