package dev.infersweep.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.net.Activation;
import dev.infersweep.net.Layer;
import dev.infersweep.net.LossFunction;
import dev.infersweep.net.Network;
import dev.infersweep.result.Arithmetic;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.InferenceModel.LayerValues;
import dev.infersweep.train.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimedArithmeticTest {
  private static final double TINY = Math.scalb(1.0, -70); // normal in fp32, its square is not

  /**
   * A ReLU network's call computed in double precision, layer by layer: the values the engine would
   * hand the trace, for hand-made weights (layer i's weight at 2i, its bias at 2i + 1).
   */
  private static List<LayerValues> forward(double[][] weights, double[] input, int fanIn0, double scale) {
    List<LayerValues> out = new ArrayList<>();
    double[] x = input;
    int fanIn = fanIn0;
    int depth = weights.length / 2;
    for (int l = 0; l < depth; l++) {
      double[] w = weights[2 * l];
      double[] b = weights[2 * l + 1];
      int units = b.length;
      int batch = x.length / fanIn;
      double[] z = new double[batch * units];
      double[] a = new double[batch * units];
      for (int s = 0; s < batch; s++) {
        for (int j = 0; j < units; j++) {
          double sum = b[j];
          for (int k = 0; k < fanIn; k++) {
            sum += w[j * fanIn + k] * x[s * fanIn + k];
          }
          z[s * units + j] = sum;
          a[s * units + j] = l == depth - 1 ? sum : Math.max(sum, 0) * scale;
        }
      }
      out.add(new LayerValues(x, z, a));
      x = a;
      fanIn = units;
    }
    return out;
  }

  private static TimedArithmetic trace(Precision p, double[][] weights, double[] input, int fanIn, double scale) {
    return TimedArithmetic.trace(p, weights, forward(weights, input, fanIn, scale));
  }

  @Test
  void countsUnderflowingProductsThatNoWeightActivationOrOutputShows() {
    // The Adam case of issue 13: every value normal, yet products weight × activation underflow.
    double[][] weights = {{TINY, TINY, 1, 1}, {0, 0}, {TINY, 1}, {1}};
    double[] input = {TINY, 1}; // one sample
    Arithmetic a = trace(Precision.FP32, weights, input, 2, 1).arithmetic();
    // Layer 1 products: TINY·TINY underflows, TINY·1, 1·TINY and 1·1 do not: 1 of 4.
    assertThat(a.fc1ProductSubnormalFraction()).isEqualTo(0.25);
    // Pre-activations TINY² + TINY ≈ TINY and TINY + 1: both normal.
    assertThat(a.fc1PreactivationSubnormalFraction()).isZero();
    assertThat(a.hiddenSubnormalFraction()).isZero();
    // Layer 2 products: TINY × (TINY + TINY²) underflows, 1 × (TINY + 1) does not.
    assertThat(a.fc2ProductSubnormalFraction()).isEqualTo(0.5);
    assertThat(a.outputSubnormalFraction()).isZero();
    assertThat(trace(Precision.FP32, weights, input, 2, 1).productSubnormalFraction()).isEqualTo(2.0 / 6);
    // In fp64 nothing is subnormal.
    Arithmetic wide = trace(Precision.FP64, weights, input, 2, 1).arithmetic();
    assertThat(wide.fc1ProductSubnormalFraction()).isZero();
    assertThat(wide.fc2ProductSubnormalFraction()).isZero();
  }

  @Test
  void countsSubnormalPreactivationsActivationsAndOutputs() {
    double sub = Float.MIN_NORMAL / 8;
    // Unit 0: x·sub, subnormal before and after ReLU; unit 1: −x, killed by ReLU (zero is not subnormal).
    double[][] weights = {{sub, -1}, {0, 0}, {1, 1}, {0}};
    Arithmetic a = trace(Precision.FP32, weights, new double[] {1}, 1, 1).arithmetic();
    assertThat(a.fc1PreactivationSubnormalFraction()).isEqualTo(0.5);
    assertThat(a.hiddenSubnormalFraction()).isEqualTo(0.5);
    assertThat(a.outputSubnormalFraction()).isEqualTo(1.0);
  }

  @Test
  void tracesEveryLayerOfADeeperNetwork() {
    // 1 → 1 → 1 → 1: the third layer's weight TINY meets TINY activations from the second.
    double[][] weights = {{1}, {0}, {TINY}, {0}, {TINY}, {0}};
    TimedArithmetic t = trace(Precision.FP32, weights, new double[] {1}, 1, 1);
    assertThat(t.layers()).hasSize(3);
    assertThat(t.layers().get(0).productSubnormalFraction()).isZero();
    assertThat(t.layers().get(1).productSubnormalFraction()).isZero();
    assertThat(t.layers().get(2).productSubnormalFraction()).isEqualTo(1.0);
    // The article's two-layer columns are not made up for three layers.
    assertThat(t.arithmetic()).isNull();
    assertThat(t.clean()).isFalse();
  }

  @Test
  void exponentsLiftEveryValueOutOfTheSubnormalRange() {
    double[][] weights = {{TINY, TINY, 1, 1}, {0, 0}, {TINY, 1}, {1}};
    double[] input = {TINY, 1};
    int[] e = trace(Precision.FP32, weights, input, 2, 1).rescaleExponents();
    assertThat(e[0]).isPositive();
    double[][] lifted = {
      scalb(weights[0], e[0]), scalb(weights[1], e[0]), scalb(weights[2], e[1]), scalb(weights[3], e[0] + e[1])
    };
    TimedArithmetic after = trace(Precision.FP32, lifted, input, 2, 1);
    assertThat(after.arithmetic()).isEqualTo(new Arithmetic(0, 0, 0, 0, 0));
    assertThat(after.clean()).isTrue();
  }

  @Test
  void aNetworkWithoutSubnormalsIsNotRescaled() {
    double[][] weights = {{0.5, -0.25, 1, 2}, {0.1, 0}, {1, -1}, {0.3}};
    assertThat(trace(Precision.FP32, weights, new double[] {1, 2}, 2, 3).rescaleExponents()).containsExactly(0, 0);
  }

  @Test
  void rejectsARaggedInput() {
    double[][] weights = {{1, 1}, {0}, {1}, {0}};
    List<LayerValues> ragged = List.of(new LayerValues(new double[3], new double[1], new double[1]), new LayerValues(new double[1], new double[1], new double[1]));
    assertThatThrownBy(() -> TimedArithmetic.trace(Precision.FP32, weights, ragged)).hasMessageContaining("layer 0's input");
  }

  @Test
  void rescaleTwinComputesBitIdenticalOutputsWhereNothingIsSubnormal() {
    DjlRuntime.engine();
    for (Network network : new Network[] {Network.article(10, 50, 2), deepRelu()}) {
      Weights weights = randomWeights(network, 1.0f, 3f);
      int[] exponents = network.depth() == 2 ? new int[] {3, 2} : new int[] {2, 1, 0, 1};
      for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64, DataType.FLOAT16}) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
            InferenceModel plain = new InferenceModel(manager, Device.cpu(), weights, type);
            InferenceModel twin = InferenceModel.rescaled(manager, Device.cpu(), weights, type, exponents)) {
          NDArray x = plain.cast(randomInput(64 * 10), new Shape(64, 10));
          try (NDArray a = plain.forward(x);
              NDArray b = twin.forward(x)) {
            assertThat(InferenceModel.values(b)).as("%s %s", network.describe(), type).containsExactly(InferenceModel.values(a));
          }
        }
      }
    }
  }

  @Test
  void noTwinIsMadeForAnActivationThatDoesNotCommuteWithScaling() {
    Network tanh = new Network(2, List.of(new Layer(3, Activation.TANH), new Layer(1, Activation.IDENTITY)), LossFunction.MSE);
    assertThat(tanh.rescaleUnavailableReason()).contains("tanh");
    assertThatThrownBy(() -> InferenceModel.rescaled(null, Device.cpu(), randomWeights(tanh, 1f, 1f), DataType.FLOAT32, new int[] {1, 1}))
        .hasMessageContaining("tanh");
  }

  @Test
  void rescaleTwinTakesTheArithmeticOutOfTheSubnormalRange() {
    DjlRuntime.engine();
    Network model = Network.article(10, 50, 2);
    // Weights around 2^-66: normal in fp32, but their products with activations underflow.
    Weights weights = randomWeights(model, (float) Math.scalb(1.0, -66), 1f);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel plain = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      NDArray x = plain.cast(randomInput(64 * 10), new Shape(64, 10));
      TimedArithmetic before = TimedArithmetic.trace(Precision.FP32, plain.weightValues(), plain.layerValues(x));
      assertThat(before.arithmetic().fc2ProductSubnormalFraction()).isPositive();
      int[] e = before.rescaleExponents();
      try (InferenceModel twin = InferenceModel.rescaled(manager, Device.cpu(), weights, DataType.FLOAT32, e)) {
        TimedArithmetic after = TimedArithmetic.trace(Precision.FP32, twin.weightValues(), twin.layerValues(x));
        assertThat(after.clean()).isTrue();
        try (NDArray out = twin.forward(x)) {
          // Scaled back, the outputs are the exact results the plain model rounds into subnormals.
          for (double v : InferenceModel.values(out)) {
            assertThat(v).isFinite();
          }
        }
      }
    }
  }

  private static Network deepRelu() {
    return new Network(
        10,
        List.of(new Layer(16, Activation.RELU), new Layer(8, Activation.IDENTITY), new Layer(8, Activation.RELU), new Layer(3, Activation.IDENTITY)),
        LossFunction.CROSS_ENTROPY);
  }

  private static double[] scalb(double[] values, int e) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.scalb(values[i], e);
    }
    return out;
  }

  static Weights randomWeights(Network network, float magnitude, float scale) {
    SplittableRandom random = new SplittableRandom(5);
    List<float[]> w = new ArrayList<>();
    List<float[]> b = new ArrayList<>();
    for (int i = 0; i < network.depth(); i++) {
      w.add(random(random, (int) network.weightCount(i), magnitude));
      b.add(random(random, network.layers().get(i).units(), magnitude));
    }
    return new Weights(network, scale, w, b);
  }

  private static float[] random(SplittableRandom random, int n, float magnitude) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextDouble(-1, 1) * magnitude);
    }
    return v;
  }

  private static float[] randomInput(int n) {
    return random(new SplittableRandom(9), n, 1f);
  }
}
