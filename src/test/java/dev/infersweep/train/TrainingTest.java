package dev.infersweep.train;

import dev.infersweep.spec.DeviceKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import ai.djl.Device;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.RunSpec;
import dev.infersweep.spec.TrainingSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTest {
  private static RunSpec run(String yaml) {
    GridConfig config = GridLoader.parse("t.yaml", "t", yaml);
    return GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
  }

  static TrainingSet data(RunSpec spec) {
    return SyntheticData.generate((DataSpec.Synthetic) spec.data(), spec.model());
  }

  private static List<Checkpoint> train(RunSpec spec) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.trainFast(spec, Device.cpu(), data(spec), checkpoints::add);
    return checkpoints;
  }

  private static List<Checkpoint> trainWithAutograd(RunSpec spec) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.trainWithAutograd(spec, Device.cpu(), data(spec), checkpoints::add);
    return checkpoints;
  }

  /** Every tensor of a checkpoint, layer by layer: weight, bias, weight, bias, ... */
  private static List<float[]> tensors(Weights w) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < w.weights().size(); i++) {
      out.add(w.weights().get(i));
      out.add(w.biases().get(i));
    }
    return out;
  }

  /**
   * Asserts the fast path's checkpoints match autograd's: losses within {@code lossPercent} and
   * each weight within 1e-4 of its tensor's largest magnitude, up to epoch {@code weightsUpTo}.
   */
  private static void assertSameTraining(String what, List<Checkpoint> fast, List<Checkpoint> reference, double lossPercent, int weightsUpTo) {
    assertThat(fast).hasSameSizeAs(reference);
    for (int i = 0; i < fast.size(); i++) {
      Checkpoint a = fast.get(i);
      Checkpoint b = reference.get(i);
      assertThat(a.epoch()).isEqualTo(b.epoch());
      assertThat(a.steps()).isEqualTo(b.steps());
      assertThat(a.trainLoss()).as("%s epoch %d", what, a.epoch()).isCloseTo(b.trainLoss(), withinPercentage(a.epoch() <= weightsUpTo ? lossPercent : 0.5));
      List<float[]> wa = tensors(a.weights());
      List<float[]> wb = tensors(b.weights());
      for (int t = 0; t < wa.size() && a.epoch() <= weightsUpTo; t++) {
        float largest = 0;
        for (float w : wb.get(t)) {
          largest = Math.max(largest, Math.abs(w));
        }
        for (int k = 0; k < wa.get(t).length; k++) {
          assertThat(wa.get(t)[k]).as("%s epoch %d tensor %d[%d]", what, a.epoch(), t, k)
              .isCloseTo(wb.get(t)[k], within(1e-4f * largest));
        }
      }
    }
    // Epoch 0 is the same model, bit for bit: both paths initialise alike.
    assertThat(fast.get(0).weights().weights().get(0)).containsExactly(reference.get(0).weights().weights().get(0));
  }

  /**
   * Same science: the hand-written gradients reach the losses and weights of DJL's autograd path at
   * every checkpoint (every epoch up to 20, then 100 and 300), for both optimisers, with the
   * activation scale and weight decay on.
   * Tolerance: up to epoch 100, 1e-4 relative on the loss and 1e-4 of its tensor's largest
   * magnitude on each weight; at epoch 300, 0.5 % on the loss. The two paths sum in another order,
   * and float32 rounding differences grow with the epochs: at epoch 300 (scale 3) the losses differ
   * by 3.5e-5 relative with SGD at lr 0.1 and by 9.5e-4 with Adam, whose normalised steps amplify
   * them, and single weights by up to 0.3 % (SGD) and 5 % (Adam) of their tensor's largest.
   */
  @Test
  void handWrittenGradientsTrainAsAutogradDoes() {
    for (String train : new String[] {"{optimizer: sgd, learning_rate: 0.1}", "{optimizer: adam, learning_rate: 0.01}"}) {
      // Every epoch up to 20, then 100 and 300.
      String epochs = java.util.stream.IntStream.rangeClosed(0, 20).mapToObj(Integer::toString)
          .collect(java.util.stream.Collectors.joining(", ")) + ", 100, 300";
      RunSpec spec = run("train: " + train + "\ndata: {samples: 200}\n"
          + "grid: {epochs: [" + epochs + "], activation_scale: [3.0], weight_decay: [0.01]}");
      assertSameTraining(train, train(spec), trainWithAutograd(spec), 0.01, 100);
    }
  }

  /**
   * The fast path covers declared networks of any depth, every activation with a hand-written
   * derivative, both losses, minibatches, momentum and AdamW: per epoch it matches autograd.
   */
  @Test
  void handWrittenGradientsMatchAutogradForDeclaredNetworks() {
    String[] grids = {
      // A 4-layer tanh regression network, minibatches of 32 over 128 samples, Adam.
      "model: {input: 6, loss: mse, layers: [{dense: 16, activation: tanh}, {dense: 12, activation: tanh}, {dense: 8, activation: tanh}, {dense: 1}]}\n"
          + "data: {samples: 128}\ntrain: {optimizer: adam, learning_rate: 0.01, batch_size: 32}\ngrid: {epochs: [0, 1, 2, 5, 10]}",
      // A 3-layer relu classifier with the activation scale, SGD with momentum, minibatches of 50 (the last short).
      "model: {input: 5, layers: [{dense: 12}, {dense: 10}, {dense: 3}]}\ndata: {samples: 120}\n"
          + "train: {optimizer: sgd, learning_rate: 0.05, momentum: 0.9, batch_size: 50}\n"
          + "grid: {epochs: [0, 1, 3, 10], activation_scale: [2.0], weight_decay: [0.001]}",
      // Sigmoid and identity hidden layers, uniform data, a 2-output regression, AdamW with decoupled decay.
      "model: {input: 4, loss: mse, layers: [{dense: 8, activation: sigmoid}, {dense: 6, activation: identity}, {dense: 2}]}\n"
          + "data: {kind: uniform, samples: 64}\ntrain: {optimizer: adamw, learning_rate: 0.01}\ngrid: {epochs: [0, 1, 5, 20], weight_decay: [0.01]}",
      // Fresh minibatches every step, as PyTorch #58220 trains, counted in steps.
      "model: {input: 20, loss: mse, layers: [{dense: 32}, {dense: 1}]}\ndata: {samples: 64, fresh: true}\n"
          + "train: {optimizer: adam, learning_rate: 0.001}\ngrid: {steps: [0, 1, 10, 40], weight_decay: [0.01]}",
    };
    for (String yaml : grids) {
      RunSpec spec = run(yaml);
      assertThat(spec.network().hasFastGradient()).isTrue();
      assertSameTraining(spec.model().describe(), train(spec), trainWithAutograd(spec), 0.01, Integer.MAX_VALUE);
    }
  }

  @Test
  void minibatchesCountStepsAndTimeEachWindow() {
    // 100 samples at batch 32: 4 steps an epoch (the last of 4 samples).
    RunSpec spec = run("data: {samples: 100}\ntrain: {batch_size: 32}\ngrid: {epochs: [0, 2, 5]}");
    List<Checkpoint> checkpoints = train(spec);
    assertThat(checkpoints).extracting(Checkpoint::steps).containsExactly(0L, 8L, 20L);
    assertThat(checkpoints.get(0).stepMicros()).isNull();
    assertThat(checkpoints.get(1).stepMicros()).isPositive();
    assertThat(checkpoints.get(2).stepMicros()).isPositive();
  }

  @Test
  void theRunsSeedShufflesTheMinibatches() {
    String grid = "data: {samples: 60}\ntrain: {batch_size: 16}\ngrid: {epochs: [0, 3], seed: [%d]}";
    // Same seed: same order, same weights; another seed: another order (and other initial weights).
    assertThat(train(run(grid.formatted(4))).get(1).weights().weights().get(0))
        .containsExactly(train(run(grid.formatted(4))).get(1).weights().weights().get(0));
    assertThat(train(run(grid.formatted(4))).get(1).weights().weights().get(0))
        .isNotEqualTo(train(run(grid.formatted(5))).get(1).weights().weights().get(0));
  }

  @Test
  void regressionHasALossAndNoAccuracy() {
    RunSpec spec = run("model: {input: 3, loss: mse, layers: [{dense: 8}, {dense: 1}]}\ndata: {samples: 100}\n"
        + "train: {optimizer: adam, learning_rate: 0.01}\ngrid: {epochs: [0, 50]}");
    List<Checkpoint> checkpoints = train(spec);
    assertThat(checkpoints.get(1).trainLoss()).isLessThan(checkpoints.get(0).trainLoss());
    assertThat(checkpoints).allSatisfy(c -> assertThat(c.trainAccuracy()).isNull());
  }

  @Test
  void geluTrainsThroughAutograd() {
    RunSpec spec = run("model: {input: 3, layers: [{dense: 8, activation: gelu}, {dense: 2}]}\ndata: {samples: 100}\n"
        + "train: {optimizer: adam, learning_rate: 0.01}\ngrid: {epochs: [0, 30]}");
    assertThat(spec.network().hasFastGradient()).isFalse();
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.train(spec, Device.cpu(), data(spec), checkpoints::add);
    assertThat(checkpoints.get(1).trainLoss()).isLessThan(checkpoints.get(0).trainLoss());
  }

  @Test
  void theFastPathIsDeterministic() {
    RunSpec spec = run("train: {optimizer: adam, learning_rate: 0.01}\ndata: {samples: 100}\ngrid: {epochs: [0, 50], activation_scale: [3.0]}");
    assertThat(train(spec).get(1).weights().weights().get(1)).containsExactly(train(spec).get(1).weights().weights().get(1));
    assertThat(train(spec).get(1).trainLoss()).isEqualTo(train(spec).get(1).trainLoss());
  }

  @Test
  void trainingLowersTheLoss() {
    RunSpec spec = run("data: {samples: 200}\ngrid: {epochs: [0, 20, 100], seed: [3]}");
    List<Checkpoint> checkpoints = train(spec);
    assertThat(checkpoints).extracting(Checkpoint::epoch).containsExactly(0, 20, 100);
    assertThat(checkpoints.get(1).trainLoss()).isLessThan(checkpoints.get(0).trainLoss());
    assertThat(checkpoints.get(2).trainLoss()).isLessThan(checkpoints.get(1).trainLoss());
    assertThat(checkpoints.get(0).trainSeconds()).isZero();
    assertThat(checkpoints.get(2).trainSeconds()).isGreaterThan(checkpoints.get(1).trainSeconds());
    assertThat(checkpoints).allSatisfy(c -> assertThat(c.trainAccuracy()).isBetween(0.0, 1.0));
  }

  @Test
  void weightsChangeWithTrainingAndNotBetweenIdenticalRuns() {
    RunSpec spec = run("data: {samples: 100}\ngrid: {epochs: [0, 5], seed: [11]}");
    List<Checkpoint> first = train(spec);
    List<Checkpoint> second = train(spec);
    assertThat(first.get(0).weights().weights().get(0)).isEqualTo(second.get(0).weights().weights().get(0));
    assertThat(first.get(1).weights().weights().get(0)).isEqualTo(second.get(1).weights().weights().get(0));
    assertThat(first.get(1).weights().weights().get(0)).isNotEqualTo(first.get(0).weights().weights().get(0));
  }

  @Test
  void initialWeightsFollowPyTorchsDefaultBound() {
    RunSpec spec = run("model: {input: 16, hidden: 64}\ngrid: {epochs: [0]}");
    Weights w = train(spec).get(0).weights();
    float bound1 = 1f / 4f; // 1/sqrt(16)
    float bound2 = 1f / 8f; // 1/sqrt(64)
    for (float v : w.weights().get(0)) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo(bound1);
    }
    for (float v : w.weights().get(1)) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo(bound2);
    }
  }

  @Test
  void adamTrainsToo() {
    RunSpec spec = run("train: {optimizer: adam, learning_rate: 0.01}\ndata: {samples: 200}\ngrid: {epochs: [0, 50]}");
    List<Checkpoint> checkpoints = train(spec);
    assertThat(checkpoints.get(1).trainLoss()).isLessThan(checkpoints.get(0).trainLoss());
  }

  @Test
  void strongWeightDecayDrivesWeightsIntoTheSubnormalRange() {
    RunSpec spec = run("train: {learning_rate: 0.1}\ndata: {samples: 100}\ngrid: {epochs: [0, 900], weight_decay: [1.0]}");
    Weights w = train(spec).get(1).weights();
    long subnormal = 0;
    for (float v : w.weights().get(0)) {
      subnormal += v != 0 && Math.abs(v) < Float.MIN_NORMAL ? 1 : 0;
    }
    assertThat(subnormal).isPositive();
  }

  @Test
  void epochZeroIsAlwaysTakenAsTheReference() {
    RunSpec spec = run("data: {samples: 50}\ngrid: {epochs: [3, 6]}");
    assertThat(train(spec)).extracting(Checkpoint::epoch).containsExactly(0, 3, 6);
  }

  @Test
  void divergenceIsReportedWithItsEpoch() {
    RunSpec spec = run("train: {learning_rate: 100}\ndata: {samples: 50}\ngrid: {epochs: [0, 400], activation_scale: [1000]}");
    List<Checkpoint> kept = new ArrayList<>();
    assertThatThrownBy(() -> Training.train(spec, Device.cpu(), data(spec), kept::add))
        .isInstanceOf(Training.DivergedException.class)
        .hasMessageContaining("epoch 400");
    assertThat(kept).extracting(Checkpoint::epoch).containsExactly(0);
  }
}
