package dev.infersweep.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.spec.ModelSpec;
import dev.infersweep.spec.Precision;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.Weights;
import dev.infersweep.result.Diagnostics;
import org.junit.jupiter.api.Test;

class ModelProbeTest {
  private static final float SUB = Float.MIN_NORMAL / 4; // subnormal in fp32

  @Test
  void countsZerosSubnormalsAndDeadUnitsExactly() {
    double[][] weights = {{0, SUB, 3, -4}, {0, 0}, {SUB, 1}, {2}};
    // 2 probe rows × 3 hidden units; unit 1 is zero for both rows (dead); one activation subnormal.
    double[] hidden = {1, 0, SUB, 3, 0, 0};
    Diagnostics d = ModelProbe.of(Precision.FP32, weights, hidden, 3, true);
    assertThat(d.weightZeroFraction()).isCloseTo(3.0 / 9, within(1e-15));
    assertThat(d.weightSubnormalFraction()).isCloseTo(2.0 / 9, within(1e-15));
    assertThat(d.weightMaxAbs()).isEqualTo(4);
    assertThat(d.weightL2()).isCloseTo(Math.sqrt(9 + 16 + 1 + 4 + 2.0 * SUB * SUB), within(1e-12));
    assertThat(d.deadUnitFraction()).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(d.activationSubnormalFraction()).isCloseTo(1.0 / 6, within(1e-15));
    assertThat(d.activationMeanAbs()).isCloseTo((1 + SUB + 3) / 6.0, within(1e-12));
    assertThat(d.activationMaxAbs()).isEqualTo(3);
    assertThat(d.outputFinite()).isTrue();
  }

  @Test
  void subnormalIsJudgedInTheRowsPrecision() {
    // 2^-20 is normal in fp32 and fp64 but subnormal in fp16 (below 2^-14); 2^-140 is fp32-subnormal.
    double[][] halfSubnormal = {{Math.scalb(1.0, -20), 1}};
    double[][] singleSubnormal = {{Math.scalb(1.0, -140), 1}};
    assertThat(ModelProbe.of(Precision.FP16, halfSubnormal, new double[0], 1, true).weightSubnormalFraction()).isEqualTo(0.5);
    assertThat(ModelProbe.of(Precision.FP32, halfSubnormal, new double[0], 1, true).weightSubnormalFraction()).isZero();
    assertThat(ModelProbe.of(Precision.FP32, singleSubnormal, new double[0], 1, true).weightSubnormalFraction()).isEqualTo(0.5);
    assertThat(ModelProbe.of(Precision.FP64, singleSubnormal, new double[0], 1, true).weightSubnormalFraction()).isZero();
    assertThat(Precision.FP16.isSubnormal(6.0e-5)).isTrue();
    assertThat(Precision.FP16.isSubnormal(6.103515625e-5)).isFalse();
    assertThat(Precision.FP32.isSubnormal(0)).isFalse();
  }

  @Test
  void rejectsRaggedActivations() {
    assertThatThrownBy(() -> ModelProbe.of(Precision.FP32, new double[][] {{1}}, new double[5], 3, true))
        .hasMessageContaining("'hidden'");
  }

  @Test
  void probesARealModelAndZeroesOnlyItsSubnormals() {
    DjlRuntime.engine();
    ModelSpec spec = new ModelSpec(2, 2, 2);
    // Hidden unit 1 has weights and bias that make it negative for positive inputs: dead.
    Weights weights =
        new Weights(spec, 1f, new float[] {SUB, 1, -1, -1}, new float[] {0, -1}, new float[] {1, SUB, 0, 1}, new float[] {0.5f, SUB});
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32);
        InferenceModel zeroed = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32, true)) {
      NDArray x = model.cast(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      Diagnostics d = ModelProbe.measure(model, Precision.FP32, x, 2);
      // 12 parameters: 3 subnormal, 2 zero.
      assertThat(d.weightSubnormalFraction()).isCloseTo(3.0 / 12, within(1e-15));
      assertThat(d.weightZeroFraction()).isCloseTo(2.0 / 12, within(1e-15));
      assertThat(d.deadUnitFraction()).isEqualTo(0.5);
      assertThat(d.outputFinite()).isTrue();
      Diagnostics z = ModelProbe.measure(zeroed, Precision.FP32, x, 2);
      assertThat(z.weightSubnormalFraction()).isZero();
      assertThat(z.weightZeroFraction()).isCloseTo(5.0 / 12, within(1e-15));
      // Every normal weight is kept bit for bit.
      assertThat(zeroed.weightValues()[0]).containsExactly(0, 1, -1, -1);
      assertThat(zeroed.weightValues()[3]).containsExactly(0.5, 0);
    }
  }

  @Test
  void castsRoundTripAsExpected() {
    DjlRuntime.engine();
    ModelSpec spec = new ModelSpec(1, 1, 2);
    float third = 1f / 3;
    Weights weights = new Weights(spec, 1f, new float[] {third}, new float[] {SUB}, new float[] {1e-6f, 70000f}, new float[] {0, 0});
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
