package dev.infersweep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.spec.ModelSpec;
import dev.infersweep.engine.DjlRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimpleNetTest {
  // 3 inputs → 2 hidden → 2 outputs, weights chosen so one hidden unit is negative before ReLU.
  private static final ModelSpec SPEC = new ModelSpec(3, 2, 2);
  private static final float[] W1 = {1, 2, 3, -1, -1, -1};
  private static final float[] B1 = {0.5f, 0.25f};
  private static final float[] W2 = {1, -2, 0.5f, 4};
  private static final float[] B2 = {0.1f, -0.1f};
  private static final float[] X = {1, 0, 2};

  @BeforeAll
  static void engine() {
    DjlRuntime.engine();
  }

  /** fc1: [1+6+0.5, -1-2+0.25] = [7.5, -2.75]; relu → [7.5, 0]; ×scale; fc2 → [s·7.5+0.1, s·3.75−0.1]. */
  private static float[] byHand(float scale) {
    float h0 = Math.max(0, W1[0] * X[0] + W1[1] * X[1] + W1[2] * X[2] + B1[0]) * scale;
    float h1 = Math.max(0, W1[3] * X[0] + W1[4] * X[1] + W1[5] * X[2] + B1[1]) * scale;
    return new float[] {W2[0] * h0 + W2[1] * h1 + B2[0], W2[2] * h0 + W2[3] * h1 + B2[1]};
  }

  @Test
  void forwardEqualsHandComputation() {
    for (float scale : new float[] {1f, 3f}) {
      Weights weights = new Weights(SPEC, scale, W1, B1, W2, B2);
      try (NDManager manager = NDManager.newBaseManager(Device.cpu());
          InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
        NDArray x = model.cast(X, new Shape(1, 3));
        float[] out = model.forward(x).toFloatArray();
        float[] expected = byHand(scale);
        assertThat(out[0]).isCloseTo(expected[0], within(1e-5f));
        assertThat(out[1]).isCloseTo(expected[1], within(1e-5f));
        assertThat(expected[0]).isCloseTo(scale * 7.5f + 0.1f, within(1e-5f));
      }
    }
  }

  @Test
  void castsWeightsAndInputsToThePrecision() {
    Weights weights = new Weights(SPEC, 3f, W1, B1, W2, B2);
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT16}) {
      try (NDManager manager = NDManager.newBaseManager(Device.cpu());
          InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, type)) {
        NDArray x = model.cast(X, new Shape(1, 3));
        assertThat(x.getDataType()).isEqualTo(type);
        NDArray out = model.forward(x);
        assertThat(out.getDataType()).isEqualTo(type);
        float[] values = out.toType(DataType.FLOAT32, false).toFloatArray();
        // These values are exactly representable in fp16, so every precision agrees.
        assertThat(values[0]).isCloseTo(byHand(3f)[0], within(0.05f));
        assertThat(values[1]).isCloseTo(byHand(3f)[1], within(0.05f));
      }
    }
  }
}
