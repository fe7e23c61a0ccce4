package dev.infersweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.infersweep.engine.DjlRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The activation scale must outlive the backward pass. DJL's {@code NDArray.mul(float)} wraps the
 * scalar in an array over a Java direct buffer and closes it at once, while autograd keeps reading
 * that buffer's memory in backward: once the buffer is collected and its memory reused, the
 * gradient is garbage (the intermittent NaN of the seed grid's activation_scale 3 runs). With
 * {@code mul(float)} in place of {@link DenseNet#scaleArray}, this test's gradient was NaN or off by
 * 10^5 in 20 of 20 tries on the machine it was written on.
 */
class ScaleLifetimeTest {
  private static final float SCALE = 3f;
  private static final dev.infersweep.net.Network NET = dev.infersweep.net.Network.article(3, 2, 2);

  @BeforeAll
  static void engine() {
    DjlRuntime.engine();
  }

  private static float[] gradient() throws InterruptedException {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = manager.create(new float[] {1, 0, 2, -1, 0.5f, 1}, new Shape(2, 3));
      NDArray w1 = manager.create(new float[] {1, 2, 3, -1, 1, -1}, new Shape(2, 3));
      NDArray b1 = manager.create(new float[] {0.5f, 0.25f});
      NDArray w2 = manager.create(new float[] {1, -2, 0.5f, 4}, new Shape(2, 2));
      NDArray b2 = manager.create(new float[] {0.1f, -0.1f});
      w1.setRequiresGradient(true);
      List<ByteBuffer> poison = new ArrayList<>();
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray out = DenseNet.forward(NET, x, List.of(w1, w2), List.of(b1, b2), DenseNet.scaleArray(manager, SCALE), false);
        // Let the collector free every unreachable direct buffer, then fill freed memory with NaN.
        for (int i = 0; i < 3; i++) {
          System.gc();
          Thread.sleep(50);
        }
        for (int i = 0; i < 20_000; i++) {
          ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
          b.putFloat(0, Float.NaN);
          poison.add(b);
        }
        collector.backward(out.sum());
      }
      float[] grad = w1.getGradient().toFloatArray();
      poison.clear();
      return grad;
    }
  }

  /** The same gradient with the scale folded into fc2's weights: no scalar array at all. */
  private static float[] expected() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = manager.create(new float[] {1, 0, 2, -1, 0.5f, 1}, new Shape(2, 3));
      NDArray w1 = manager.create(new float[] {1, 2, 3, -1, 1, -1}, new Shape(2, 3));
      NDArray b1 = manager.create(new float[] {0.5f, 0.25f});
      NDArray w2 = manager.create(new float[] {SCALE, -2 * SCALE, 0.5f * SCALE, 4 * SCALE}, new Shape(2, 2));
      NDArray b2 = manager.create(new float[] {0.1f, -0.1f});
      w1.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(DenseNet.forward(NET, x, List.of(w1, w2), List.of(b1, b2), null, false).sum());
      }
      return w1.getGradient().toFloatArray();
    }
  }

  @Test
  void backwardReadsTheScaleAfterItsMemoryCouldHaveBeenReused() throws InterruptedException {
    float[] expected = expected();
    for (int attempt = 0; attempt < 5; attempt++) {
      assertThat(gradient()).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }
}
