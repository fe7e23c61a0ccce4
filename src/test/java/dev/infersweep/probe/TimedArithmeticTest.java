package dev.infersweep.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.result.Arithmetic;
import dev.infersweep.spec.ModelSpec;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.Weights;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimedArithmeticTest {
  private static final double TINY = Math.scalb(1.0, -70); // normal in fp32, its square is not

  @Test
  void countsUnderflowingProductsThatNoWeightActivationOrOutputShows() {
    // The Adam case of issue 13: every value normal, yet products weight × activation underflow.
    ModelSpec model = new ModelSpec(2, 2, 1);
    double[][] weights = {{TINY, TINY, 1, 1}, {0, 0}, {TINY, 1}, {1}};
    double[] input = {TINY, 1}; // one sample
    Arithmetic a = TimedArithmetic.trace(Precision.FP32, weights, input, 1, model).arithmetic();
    // Layer 1 products: TINY·TINY underflows, TINY·1, 1·TINY and 1·1 do not: 1 of 4.
    assertThat(a.fc1ProductSubnormalFraction()).isEqualTo(0.25);
    // Pre-activations TINY² + TINY ≈ TINY and TINY + 1: both normal.
    assertThat(a.fc1PreactivationSubnormalFraction()).isZero();
    assertThat(a.hiddenSubnormalFraction()).isZero();
    // Layer 2 products: TINY × (TINY + TINY²) underflows, 1 × (TINY + 1) does not.
    assertThat(a.fc2ProductSubnormalFraction()).isEqualTo(0.5);
    assertThat(a.outputSubnormalFraction()).isZero();
    // In fp64 nothing is subnormal.
    Arithmetic wide = TimedArithmetic.trace(Precision.FP64, weights, input, 1, model).arithmetic();
    assertThat(wide.fc1ProductSubnormalFraction()).isZero();
    assertThat(wide.fc2ProductSubnormalFraction()).isZero();
  }

  @Test
  void countsSubnormalPreactivationsActivationsAndOutputs() {
    ModelSpec model = new ModelSpec(1, 2, 1);
    double sub = Float.MIN_NORMAL / 8;
    // Unit 0: x·sub, subnormal before and after ReLU; unit 1: −x, killed by ReLU (zero is not subnormal).
    double[][] weights = {{sub, -1}, {0, 0}, {1, 1}, {0}};
    Arithmetic a = TimedArithmetic.trace(Precision.FP32, weights, new double[] {1}, 1, model).arithmetic();
    assertThat(a.fc1PreactivationSubnormalFraction()).isEqualTo(0.5);
    assertThat(a.hiddenSubnormalFraction()).isEqualTo(0.5);
    assertThat(a.outputSubnormalFraction()).isEqualTo(1.0);
  }

  @Test
  void exponentsLiftEveryValueOutOfTheSubnormalRange() {
    ModelSpec model = new ModelSpec(2, 2, 1);
    double[][] weights = {{TINY, TINY, 1, 1}, {0, 0}, {TINY, 1}, {1}};
    double[] input = {TINY, 1};
    int[] e = TimedArithmetic.trace(Precision.FP32, weights, input, 1, model).rescaleExponents();
    assertThat(e[0]).isPositive();
    double[][] lifted = {
      scalb(weights[0], e[0]), scalb(weights[1], e[0]), scalb(weights[2], e[1]), scalb(weights[3], e[0] + e[1])
    };
    Arithmetic after = TimedArithmetic.trace(Precision.FP32, lifted, input, 1, model).arithmetic();
    assertThat(after).isEqualTo(new Arithmetic(0, 0, 0, 0, 0));
  }

  @Test
  void aNetworkWithoutSubnormalsIsNotRescaled() {
    ModelSpec model = new ModelSpec(2, 2, 1);
    double[][] weights = {{0.5, -0.25, 1, 2}, {0.1, 0}, {1, -1}, {0.3}};
    assertThat(TimedArithmetic.trace(Precision.FP32, weights, new double[] {1, 2}, 3, model).rescaleExponents())
        .containsExactly(0, 0);
  }

  @Test
  void rejectsARaggedInput() {
    assertThatThrownBy(
            () -> TimedArithmetic.trace(Precision.FP32, new double[][] {{1}, {0}, {1}, {0}}, new double[3], 1, new ModelSpec(2, 1, 1)))
        .hasMessageContaining("'input'");
  }

  @Test
  void rescaleTwinComputesBitIdenticalOutputsWhereNothingIsSubnormal() {
    DjlRuntime.engine();
    ModelSpec model = new ModelSpec(10, 50, 2);
    Weights weights = randomWeights(model, 1.0f, 3f);
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64, DataType.FLOAT16}) {
      try (NDManager manager = NDManager.newBaseManager(Device.cpu());
          InferenceModel plain = new InferenceModel(manager, Device.cpu(), weights, type);
          InferenceModel twin = InferenceModel.rescaled(manager, Device.cpu(), weights, type, 3, 2)) {
        NDArray x = plain.cast(randomInput(64 * 10), new Shape(64, 10));
        try (NDArray a = plain.forward(x);
            NDArray b = twin.forward(x)) {
          assertThat(InferenceModel.values(b)).as("%s", type).containsExactly(InferenceModel.values(a));
        }
      }
    }
  }

  @Test
  void rescaleTwinTakesTheArithmeticOutOfTheSubnormalRange() {
    DjlRuntime.engine();
    ModelSpec model = new ModelSpec(10, 50, 2);
    // Weights around 2^-66: normal in fp32, but their products with activations underflow.
    Weights weights = randomWeights(model, (float) Math.scalb(1.0, -66), 1f);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel plain = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      NDArray x = plain.cast(randomInput(64 * 10), new Shape(64, 10));
      double[] input = InferenceModel.values(x);
      TimedArithmetic before = TimedArithmetic.trace(Precision.FP32, plain.weightValues(), input, 1, model);
      assertThat(before.arithmetic().fc2ProductSubnormalFraction()).isPositive();
      int[] e = before.rescaleExponents();
      try (InferenceModel twin = InferenceModel.rescaled(manager, Device.cpu(), weights, DataType.FLOAT32, e[0], e[1])) {
        Arithmetic after = TimedArithmetic.trace(Precision.FP32, twin.weightValues(), input, 1, model).arithmetic();
        assertThat(after.fc1ProductSubnormalFraction()).isZero();
        assertThat(after.fc2ProductSubnormalFraction()).isZero();
        assertThat(after.outputSubnormalFraction()).isZero();
        try (NDArray out = twin.forward(x)) {
          // Scaled back, the outputs are the exact results the plain model rounds into subnormals.
          for (double v : InferenceModel.values(out)) {
            assertThat(v).isFinite();
          }
        }
      }
    }
  }

  private static double[] scalb(double[] values, int e) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.scalb(values[i], e);
    }
    return out;
  }

  private static Weights randomWeights(ModelSpec m, float magnitude, float scale) {
    SplittableRandom random = new SplittableRandom(5);
    return new Weights(
        m,
        scale,
        random(random, m.hidden() * m.input(), magnitude),
        random(random, m.hidden(), magnitude),
        random(random, m.output() * m.hidden(), magnitude),
        random(random, m.output(), magnitude));
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
