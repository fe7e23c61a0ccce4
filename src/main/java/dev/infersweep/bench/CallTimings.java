package dev.infersweep.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.Weights;
import java.util.Arrays;
import java.util.Map;

/**
 * The batch-1 inference call timed in this JVM, per call: infersweep's timed call path (forward,
 * output copied out), each of its operators on its own (as PyTorch's reference script times them),
 * and the same forward pass in plain Java, the floor. {@link Benchmarks} runs them each round.
 */
final class CallTimings {
  private static final int WARMUP_CALLS = 5_000;
  private static final int CALLS = 20_000;

  private CallTimings() {}

  /** Per-call p50 of infersweep's timed call (forward, then the output copied out), batch 1. */
  static double inferP50Micros(Weights weights) {
    return withBatchOneCall(weights, CallTimings::p50);
  }

  /**
   * Hands {@code use} infersweep's batch-1 call over {@code weights} in fp32 (forward, then the
   * output copied out), valid until {@code use} returns.
   */
  static <T> T withBatchOneCall(Weights weights, java.util.function.Function<Runnable, T> use) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        InferenceModel model = new InferenceModel(manager, Device.cpu(), weights, DataType.FLOAT32)) {
      NDArray x = model.cast(input(weights), new Shape(1, weights.network().input()));
      return use.apply(() -> {
        try (NDArray result = model.forward(x)) {
          result.toByteBuffer();
        }
      });
    }
  }

  /** Each operator of the batch-1 call timed on its own, as PyTorch's reference script does. */
  static Map<String, Double> opMicros(Weights weights) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      int in = weights.network().input();
      int hid = weights.network().layers().get(0).units();
      NDArray x = manager.create(input(weights), new Shape(1, in));
      NDArray w1 = manager.create(weights.weights().get(0), new Shape(hid, in));
      NDArray b1 = manager.create(weights.biases().get(0));
      NDArray w2 = manager.create(weights.weights().get(1), new Shape(weights.network().outputs(), hid));
      NDArray b2 = manager.create(weights.biases().get(1));
      NDArray h = Activation.relu(Linear.linear(x, w1, b1).singletonOrThrow());
      out.put("linear1", p50(() -> Linear.linear(x, w1, b1).singletonOrThrow().close()));
      out.put("relu", p50(() -> Activation.relu(h).close()));
      out.put("linear2", p50(() -> Linear.linear(h, w2, b2).singletonOrThrow().close()));
      try (NDArray y = Linear.linear(h, w2, b2).singletonOrThrow()) {
        out.put("copy_output", p50(() -> y.toByteBuffer()));
      }
    }
    return out;
  }

  /** The same forward pass in plain Java: the floor no call through a native library can beat. */
  static double javaFloorP50Micros(Weights w) {
    int in = w.network().input();
    int hid = w.network().layers().get(0).units();
    int outs = w.network().outputs();
    float[] x = input(w);
    float[] w1 = w.weights().get(0);
    float[] b1 = w.biases().get(0);
    float[] w2 = w.weights().get(1);
    float[] b2 = w.biases().get(1);
    float[] h = new float[hid];
    float[] y = new float[outs];
    double[] sink = new double[1];
    double p50 = p50(() -> {
      for (int j = 0; j < hid; j++) {
        float z = b1[j];
        for (int k = 0; k < in; k++) {
          z += w1[j * in + k] * x[k];
        }
        h[j] = Math.max(z, 0f) * w.scale();
      }
      for (int o = 0; o < outs; o++) {
        float z = b2[o];
        for (int j = 0; j < hid; j++) {
          z += w2[o * hid + j] * h[j];
        }
        y[o] = z;
      }
      // The output is consumed, so the JIT cannot drop the work.
      sink[0] += y[0];
    });
    if (Double.isNaN(sink[0])) {
      throw new IllegalStateException("the plain-Java forward produced NaN");
    }
    return p50;
  }

  private static float[] input(Weights w) {
    float[] x = new float[w.network().input()];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** p50 in microseconds of {@value #CALLS} timed calls after {@value #WARMUP_CALLS} untimed ones. */
  private static double p50(Runnable call) {
    return p50(call, WARMUP_CALLS, CALLS);
  }

  /** p50 in microseconds of {@code calls} calls, each timed, after {@code warmup} untimed ones. */
  static double p50(Runnable call, int warmup, int calls) {
    for (int i = 0; i < warmup; i++) {
      call.run();
    }
    long[] samples = new long[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      call.run();
      samples[i] = System.nanoTime() - t0;
    }
    Arrays.sort(samples);
    return samples[calls / 2] / 1e3;
  }
}
