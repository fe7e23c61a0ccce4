package dev.infersweep.precision;

import dev.infersweep.spec.Precision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.net.Network;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.train.InferenceModel;
import dev.infersweep.train.Weights;
import java.util.Arrays;
import java.util.List;

/**
 * The child-JVM side of {@link PrecisionSupport}: runs one inference of the article's network per precision named
 * on the command line, exactly as a sweep would, and prints {@code ok <precision>} or
 * {@code fail <precision> <reason>} after each. A precision that crashes the process prints nothing.
 *
 * <p>Usage: {@code PrecisionProbe <device> <precision>...}
 */
public final class PrecisionProbe {
  private PrecisionProbe() {}

  public static void main(String[] args) {
    Device device = DjlRuntime.device(args[0]);
    DjlRuntime.engine();
    Network network = Network.article(4, 3, 2);
    float[] w1 = new float[12];
    Arrays.fill(w1, 0.5f);
    Weights weights =
        new Weights(network, 2f, List.of(w1, new float[6]), List.of(new float[] {0.1f, -0.2f, 0.3f}, new float[2]));
    for (int i = 1; i < args.length; i++) {
      Precision precision = Precision.parse(args[i]);
      // Flush before the attempt so that a native abort cannot swallow earlier verdicts.
      System.out.flush();
      try (NDManager manager = NDManager.newBaseManager(device);
          InferenceModel model =
              new InferenceModel(manager, device, weights, precision.dataType())) {
        NDArray x = model.cast(new float[] {1, -1, 2, 0.5f, 0, 1, 1, 1}, new Shape(2, 4));
        try (NDArray out = model.forward(x)) {
          out.toByteBuffer();
          if (out.getDataType() != precision.dataType()) {
            throw new IllegalStateException("output came back as " + out.getDataType());
          }
        }
        System.out.println("ok " + precision.label());
      } catch (RuntimeException | LinkageError e) {
        String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        System.out.println("fail " + precision.label() + " " + e.getClass().getSimpleName() + ": " + reason);
      }
      System.out.flush();
    }
  }
}
