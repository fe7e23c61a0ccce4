package dev.infersweep.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import dev.infersweep.result.Diagnostics;
import dev.infersweep.result.LayerState;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.Weights;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelProbeTest {
  private static final float SUB = Float.MIN_NORMAL / 4; // subnormal in fp32
  /** 2 inputs → 3 hidden (relu) → 1 output: only the hidden width matters to the hand-made figures. */
  private static final Network NET =
      new Network(2, List.of(new Layer(3, Activation.RELU), new Layer(1, Activation.IDENTITY)), LossFunction.MSE);

  @Test
  void countsZerosSubnormalsAndDeadUnitsExactly() {
    double[][] weights = {{0, SUB, 3, -4}, {0, 0}, {SUB, 1}, {2}};
    // 2 probe rows × 3 hidden units; unit 1 is zero for both rows (dead); one activation subnormal.
    double[] hidden = {1, 0, SUB, 3, 0, 0};
    Diagnostics d = ModelProbe.of(Precision.FP32, NET, weights, List.of(hidden), true);
    assertThat(d.weightZeroFraction()).isCloseTo(3.0 / 9, within(1e-15));
    assertThat(d.weightSubnormalFraction()).isCloseTo(2.0 / 9, within(1e-15));
    assertThat(d.weightMaxAbs()).isEqualTo(4);
    assertThat(d.weightL2()).isCloseTo(Math.sqrt(9 + 16 + 1 + 4 + 2.0 * SUB * SUB), within(1e-12));
    assertThat(d.deadUnitFraction()).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(d.activationSubnormalFraction()).isCloseTo(1.0 / 6, within(1e-15));
    assertThat(d.activationMeanAbs()).isCloseTo((1 + SUB + 3) / 6.0, within(1e-12));
    assertThat(d.activationMaxAbs()).isEqualTo(3);
    assertThat(d.outputFinite()).isTrue();
    // Per layer: layer 0 holds 1 subnormal of 6 values (max 4), layer 1 one of 3 (max 2).
    assertThat(d.layers()).containsExactly(
        new LayerState(0, "dense", 3, "relu", 1.0 / 6, 4),
        new LayerState(1, "dense", 1, "identity", 1.0 / 3, 2));
  }

  @Test
  void deadUnitsAndActivationsCoverEveryHiddenLayer() {
    Network deep = new Network(
        1, List.of(new Layer(2, Activation.TANH), new Layer(2, Activation.RELU), new Layer(1, Activation.IDENTITY)), LossFunction.MSE);
    double[][] weights = {{1, 1}, {0, 0}, {1, 1, 1, 1}, {0, 0}, {1, 1}, {0}};
    // One probe row: layer 0 has a dead unit (0), layer 1 none; one of the four values subnormal.
    Diagnostics d = ModelProbe.of(Precision.FP32, deep, weights, List.of(new double[] {0, 0.5}, new double[] {SUB, 2}), true);
    assertThat(d.deadUnitFraction()).isEqualTo(0.25);
    assertThat(d.activationSubnormalFraction()).isEqualTo(0.25);
    assertThat(d.activationMaxAbs()).isEqualTo(2);
    assertThat(d.layers()).hasSize(3);
  }

  @Test
  void aNetworkWithoutAHiddenLayerHasNoActivationFigures() {
    Network linear = new Network(2, List.of(new Layer(1, Activation.IDENTITY)), LossFunction.MSE);
    Diagnostics d = ModelProbe.of(Precision.FP32, linear, new double[][] {{1, SUB}, {0}}, List.of(), true);
    assertThat(d.activationMeanAbs()).isNull();
    assertThat(d.deadUnitFraction()).isNull();
    assertThat(d.weightSubnormalFraction()).isCloseTo(1.0 / 3, within(1e-15));
  }

  @Test
  void subnormalIsJudgedInTheRowsPrecision() {
    // 2^-20 is normal in fp32 and fp64 but subnormal in fp16 (below 2^-14); 2^-140 is fp32-subnormal.
    Network linear = new Network(1, List.of(new Layer(1, Activation.IDENTITY)), LossFunction.MSE);
    double[][] halfSubnormal = {{Math.scalb(1.0, -20)}, {1}};
    double[][] singleSubnormal = {{Math.scalb(1.0, -140)}, {1}};
    assertThat(ModelProbe.of(Precision.FP16, linear, halfSubnormal, List.of(), true).weightSubnormalFraction()).isEqualTo(0.5);
    assertThat(ModelProbe.of(Precision.FP32, linear, halfSubnormal, List.of(), true).weightSubnormalFraction()).isZero();
    assertThat(ModelProbe.of(Precision.FP32, linear, singleSubnormal, List.of(), true).weightSubnormalFraction()).isEqualTo(0.5);
    assertThat(ModelProbe.of(Precision.FP64, linear, singleSubnormal, List.of(), true).weightSubnormalFraction()).isZero();
    assertThat(Precision.FP16.isSubnormal(6.0e-5)).isTrue();
    assertThat(Precision.FP16.isSubnormal(6.103515625e-5)).isFalse();
    assertThat(Precision.FP32.isSubnormal(0)).isFalse();
  }

  @Test
  void rejectsRaggedActivations() {
    assertThatThrownBy(() -> ModelProbe.of(Precision.FP32, NET, new double[][] {{1}, {0}, {1}, {0}}, List.of(new double[5]), true))
        .hasMessageContaining("hidden layer 0");
  }

  @Test
  void probesARealModelAndZeroesOnlyItsSubnormals() {
    DjlRuntime.engine();
    Network net = Network.article(2, 2, 2);
    // Hidden unit 1 has weights and bias that make it negative for positive inputs: dead.
    Weights weights =
        new Weights(net, 1f, List.of(new float[] {SUB, 1, -1, -1}, new float[] {1, SUB, 0, 1}), List.of(new float[] {0, -1}, new float[] {0.5f, SUB}));
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32);
        InferenceModel zeroed = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32, true)) {
      NDArray x = model.cast(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      Diagnostics d = ModelProbe.measure(model, Precision.FP32, x);
      // 12 parameters: 3 subnormal, 2 zero.
      assertThat(d.weightSubnormalFraction()).isCloseTo(3.0 / 12, within(1e-15));
      assertThat(d.weightZeroFraction()).isCloseTo(2.0 / 12, within(1e-15));
      assertThat(d.deadUnitFraction()).isEqualTo(0.5);
      assertThat(d.outputFinite()).isTrue();
      Diagnostics z = ModelProbe.measure(zeroed, Precision.FP32, x);
      assertThat(z.weightSubnormalFraction()).isZero();
      assertThat(z.weightZeroFraction()).isCloseTo(5.0 / 12, within(1e-15));
      // Every normal weight is kept bit for bit (layer 0's weight, then layer 1's bias).
      assertThat(zeroed.weightValues()[0]).containsExactly(0, 1, -1, -1);
      assertThat(zeroed.weightValues()[3]).containsExactly(0.5, 0);
    }
  }

  @Test
  void castsRoundTripAsExpected() {
    DjlRuntime.engine();
    Network net = Network.article(1, 1, 2);
    float third = 1f / 3;
    Weights weights = new Weights(net, 1f, List.of(new float[] {third}, new float[] {1e-6f, 70000f}), List.of(new float[] {SUB}, new float[] {0, 0}));
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel fp64 = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT64);
        InferenceModel fp16 = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT16)) {
      // Widening is exact.
      assertThat(fp64.weightValues()[0][0]).isEqualTo((double) third);
      // fp16: 1/3 rounds to 0.333251953125; a fp32 subnormal flushes to 0; 1e-6 becomes an fp16
      // subnormal (multiple of 2^-24); 70000 overflows fp16's 65504 to infinity.
      assertThat(fp16.weightValues()[0][0]).isEqualTo(0.333251953125);
      assertThat(fp16.weightValues()[1][0]).isZero();
      assertThat(fp16.weightValues()[2][0]).isEqualTo(Math.scalb(17.0, -24));
      assertThat(fp16.weightValues()[2][1]).isInfinite();
    }
  }
}
