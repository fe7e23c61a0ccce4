package dev.infersweep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.net.Activation;
import dev.infersweep.net.Layer;
import dev.infersweep.net.LossFunction;
import dev.infersweep.net.Network;
import java.util.List;
import dev.infersweep.engine.DjlRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DenseNetTest {
  // 3 inputs → 2 hidden → 2 outputs, weights chosen so one hidden unit is negative before ReLU.
  private static final Network SPEC = Network.article(3, 2, 2);
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
      Weights weights = new Weights(SPEC, scale, List.of(W1, W2), List.of(B1, B2));
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
    Weights weights = new Weights(SPEC, 3f, List.of(W1, W2), List.of(B1, B2));
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

  @Test
  void everyActivationAndDepthFollowsTheDeclaredLayers() {
    // 3 → 2 (tanh) → 2 (sigmoid) → 1, scale 2: computed by hand in double, compared in fp32.
    Network net = new Network(
        3, List.of(new Layer(2, Activation.TANH), new Layer(2, Activation.SIGMOID), new Layer(1, Activation.IDENTITY)), LossFunction.MSE);
    float[] w3 = {0.5f, -1};
    float[] b3 = {0.2f};
    Weights weights = new Weights(net, 2f, List.of(W1, W2, w3), List.of(B1, B2, b3));
    double[] h1 = {Math.tanh(7.5) * 2, Math.tanh(-2.75) * 2};
    double[] h2 = {
      2 / (1 + Math.exp(-(W2[0] * h1[0] + W2[1] * h1[1] + B2[0]))),
      2 / (1 + Math.exp(-(W2[2] * h1[0] + W2[3] * h1[1] + B2[1])))
    };
    double expected = w3[0] * h2[0] + w3[1] * h2[1] + b3[0];
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      NDArray x = model.cast(X, new Shape(1, 3));
      assertThat(model.forward(x).toFloatArray()[0]).isCloseTo((float) expected, within(1e-5f));
      assertThat(model.layerValues(x)).hasSize(3);
    }
  }

  @Test
  void geluIsPyTorchsExactOne() {
    Network net = new Network(1, List.of(new Layer(1, Activation.GELU), new Layer(1, Activation.IDENTITY)), LossFunction.MSE);
    Weights weights = new Weights(net, 1f, List.of(new float[] {1}, new float[] {1}), List.of(new float[] {0}, new float[] {0}));
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      // gelu(1) = Φ(1) = 0.8413447460685429 (erf form); the tanh approximation gives 0.841192.
      assertThat(model.forward(model.cast(new float[] {1}, new Shape(1, 1))).toFloatArray()[0])
          .isCloseTo(0.8413447f, within(2e-6f));
    }
  }
}
