package dev.infersweep.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.train.Checkpoint;
import dev.infersweep.train.SyntheticData;
import dev.infersweep.train.Training;
import dev.infersweep.train.Weights;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training step of PyTorch #58220's network (20→256→1 ReLU, MSE, Adam at lr 3e-4, a fresh
 * minibatch of 256 uniform samples every step), in the normal regime (no weight decay) and once
 * weight decay 1e-2 has driven weights subnormal, side by side with the PyTorch reference script
 * ({@code jobs/reference/pytorch_58220.py}) over the same steps. Each regime's figure is the median
 * step of the last 1000 steps.
 */
public final class QFunctionBench {
  private static final String GRID =
      """
      model: {input: 20, layers: [{dense: 256, activation: relu}, {dense: 1}], loss: mse}
      data: {kind: uniform, samples: 256, seed: 0, fresh: true}
      train: {optimizer: adam, learning_rate: 3.0e-4, batch_size: 256}
      grid: {steps: [0, %d, %d], weight_decay: [%s], seed: [1]}
      """;
  private static final int WINDOW = 1000;

  private QFunctionBench() {}

  /**
   * One side's figures.
   *
   * @param normalStepMicros median step of the last 1000, weight decay 0
   * @param subnormalStepMicros the same with weight decay 1e-2
   * @param subnormalShare share of the decayed model's weights that are subnormal at the end
   */
  public record Side(double normalStepMicros, double subnormalStepMicros, double subnormalShare) {}

  /** The machine's CPU, as the rows name it. */
  public static String cpuModel() {
    return dev.infersweep.run.Host.cpuModel();
  }

  /** infersweep's side: two trainings of {@code steps} steps on the fast path, this JVM, one thread. */
  public static Side infersweep(int steps) {
    if (steps <= WINDOW) {
      throw new IllegalArgumentException("the #58220 benchmark needs more than " + WINDOW + " steps, not " + steps);
    }
    Checkpoint normal = last(steps, "0.0");
    Checkpoint decayed = last(steps, "1.0e-2");
    return new Side(normal.stepMicros(), decayed.stepMicros(), subnormalShare(decayed.weights()));
  }

  private static Checkpoint last(int steps, String weightDecay) {
    RunSpec spec =
        GridExpander.expand(GridLoader.parse("bench", "q58220", GRID.formatted(steps - WINDOW, steps, weightDecay)),
            "bench", "2026-01-01", 1, DeviceKind.CPU).get(0);
    List<Checkpoint> out = new ArrayList<>();
    Training.trainFast(spec, Device.cpu(), SyntheticData.generate((DataSpec.Synthetic) spec.data(), spec.model()), out::add);
    return out.get(out.size() - 1);
  }

  private static double subnormalShare(Weights w) {
    long subnormal = 0;
    long count = 0;
    List<float[]> tensors = new ArrayList<>(w.weights());
    tensors.addAll(w.biases());
    for (float[] t : tensors) {
      for (float v : t) {
        subnormal += v != 0 && Math.abs(v) < Float.MIN_NORMAL ? 1 : 0;
        count++;
      }
    }
    return (double) subnormal / count;
  }

  /**
   * PyTorch's side: the reference script for {@code adam} at weight decay 0 and 1e-2, per-sample MSE,
   * the same steps.
   *
   * @param python the interpreter and script, e.g. {@code /usr/bin/python3 jobs/reference/pytorch_58220.py}
   */
  public static Side pytorch(String python, int steps) throws IOException {
    List<String> command = new ArrayList<>(List.of(python.trim().split("\\s+")));
    command.addAll(List.of("--steps", Integer.toString(steps), "--runs", "adam:0,adam:1e-2", "--elementwise-loss"));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("'" + String.join(" ", command) + "' exited with " + p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the PyTorch reference", e);
    }
    JsonNode runs = new ObjectMapper().readTree(stdout).path("runs");
    JsonNode normal = run(runs, 0.0);
    JsonNode decayed = run(runs, 1e-2);
    return new Side(
        normal.path("train_step_us_last1000").asDouble(),
        decayed.path("train_step_us_last1000").asDouble(),
        decayed.path("subnormal_share_overall").asDouble());
  }

  private static JsonNode run(JsonNode runs, double weightDecay) throws IOException {
    for (JsonNode r : runs) {
      if ("adam".equals(r.path("optimizer").asText()) && r.path("weight_decay").asDouble() == weightDecay) {
        return r;
      }
    }
    throw new IOException(String.format(Locale.ROOT, "the PyTorch reference printed no adam run at weight decay %s", weightDecay));
  }
}
