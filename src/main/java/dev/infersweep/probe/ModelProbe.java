package dev.infersweep.probe;

import ai.djl.ndarray.NDArray;
import dev.infersweep.net.Network;
import dev.infersweep.result.Diagnostics;
import dev.infersweep.result.LayerState;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.TorchParameter;
import java.util.ArrayList;
import java.util.List;

/** Measures {@link Diagnostics} of a model in its serving precision. */
public final class ModelProbe {
  /** Training samples in the probe batch (the first ones; all of them when there are fewer). */
  public static final int PROBE_SAMPLES = 256;

  private ModelProbe() {}

  /** @param probe the probe batch, already in the model's precision (batch × input) */
  public static Diagnostics measure(InferenceModel model, Precision precision, NDArray probe) {
    List<InferenceModel.LayerValues> values = model.layerValues(probe);
    List<double[]> hidden = new ArrayList<>();
    for (int i = 0; i < values.size() - 1; i++) {
      hidden.add(values.get(i).output());
    }
    return of(precision, model.network(), model.weightValues(), hidden, model.outputFinite(probe));
  }

  /**
   * The arithmetic, apart from the engine, so it can be checked on hand-built values.
   *
   * @param weights layer i's weight at 2i, its bias at 2i + 1
   * @param hidden each hidden layer's output on the probe batch (batch × units), in order
   */
  public static Diagnostics of(
      Precision precision, Network network, double[][] weights, List<double[]> hidden, boolean outputFinite) {
    Tally all = new Tally(precision);
    List<LayerState> layers = new ArrayList<>();
    for (int i = 0; i < network.depth(); i++) {
      Tally layer = new Tally(precision);
      layer.add(weights[2 * i]);
      layer.add(weights[2 * i + 1]);
      all.add(weights[2 * i]);
      all.add(weights[2 * i + 1]);
      layers.add(
          new LayerState(i, network.layers().get(i).kind(), network.layers().get(i).units(),
              network.layers().get(i).activation().label(), layer.subnormalFraction(), layer.maxAbs));
    }
    Activations a = Activations.of(precision, network, hidden);
    return new Diagnostics(
        Math.sqrt(all.squares),
        all.maxAbs,
        (double) all.zeros / all.count,
        all.subnormalFraction(),
        a == null ? null : a.meanAbs,
        a == null ? null : a.maxAbs,
        a == null ? null : a.deadFraction,
        a == null ? null : a.subnormalFraction,
        outputFinite,
        layers);
  }

  /**
   * A TorchScript module's state: weight figures over every floating parameter tensor, one {@code
   * layers} element per tensor; no activation figures (the module's hidden values are not reachable
   * from outside it).
   */
  public static Diagnostics ofParameters(Precision precision, List<TorchParameter> parameters, boolean outputFinite) {
    Tally all = new Tally(precision);
    List<LayerState> layers = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      Tally tensor = new Tally(precision);
      double[] values = widened(parameters.get(i).values());
      tensor.add(values);
      all.add(values);
      layers.add(new LayerState(i, "parameter", null, null, tensor.subnormalFraction(), tensor.maxAbs));
    }
    return new Diagnostics(
        Math.sqrt(all.squares), all.maxAbs, all.count == 0 ? 0 : (double) all.zeros / all.count, all.subnormalFraction(),
        null, null, null, null, outputFinite, layers);
  }

  private static double[] widened(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** Sums over parameter values. */
  private static final class Tally {
    private final Precision precision;
    double squares;
    double maxAbs;
    long zeros;
    long subnormals;
    long count;

    Tally(Precision precision) {
      this.precision = precision;
    }

    void add(double[] values) {
      for (double w : values) {
        squares += w * w;
        maxAbs = Math.max(maxAbs, Math.abs(w));
        zeros += w == 0 ? 1 : 0;
        subnormals += precision.isSubnormal(w) ? 1 : 0;
        count++;
      }
    }

    double subnormalFraction() {
      return count == 0 ? 0 : (double) subnormals / count;
    }
  }

  /** The hidden activations over every hidden layer; null for a network without one. */
  private record Activations(double meanAbs, double maxAbs, double deadFraction, double subnormalFraction) {
    static Activations of(Precision precision, Network network, List<double[]> hidden) {
      if (hidden.isEmpty()) {
        return null;
      }
      double sumAbs = 0;
      double max = 0;
      long subnormal = 0;
      long values = 0;
      int units = 0;
      int dead = 0;
      for (int l = 0; l < hidden.size(); l++) {
        int width = network.layers().get(l).units();
        double[] h = hidden.get(l);
        if (h.length % width != 0) {
          throw new IllegalArgumentException(
              "hidden layer " + l + " must hold whole rows of " + width + " units, found " + h.length + " values");
        }
        boolean[] alive = new boolean[width];
        for (int i = 0; i < h.length; i++) {
          double a = Math.abs(h[i]);
          sumAbs += a;
          max = Math.max(max, a);
          subnormal += precision.isSubnormal(h[i]) ? 1 : 0;
          alive[i % width] |= h[i] != 0;
        }
        for (boolean a : alive) {
          dead += a || h.length == 0 ? 0 : 1;
        }
        values += h.length;
        units += width;
      }
      return new Activations(
          values == 0 ? 0 : sumAbs / values, max, (double) dead / units, values == 0 ? 0 : (double) subnormal / values);
    }
  }
}
