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
import dev.infersweep.spec.RunSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTest {
  private static RunSpec run(String yaml) {
    GridConfig config = GridLoader.parse("t.yaml", "t", yaml);
    return GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
  }

  private static List<Checkpoint> train(RunSpec spec) {
    SyntheticData data = SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.train(spec, Device.cpu(), data, checkpoints::add);
    return checkpoints;
  }

  private static List<Checkpoint> trainWithAutograd(RunSpec spec) {
    SyntheticData data = SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
    List<Checkpoint> checkpoints = new ArrayList<>();
    Training.trainWithAutograd(spec, Device.cpu(), data, checkpoints::add);
    return checkpoints;
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
      List<Checkpoint> fast = train(spec);
      List<Checkpoint> reference = trainWithAutograd(spec);
      assertThat(fast).hasSameSizeAs(reference);
      for (int i = 0; i < fast.size(); i++) {
        Checkpoint a = fast.get(i);
        Checkpoint b = reference.get(i);
        assertThat(a.epoch()).isEqualTo(b.epoch());
        assertThat(a.trainLoss()).as("%s epoch %d", train, a.epoch()).isCloseTo(b.trainLoss(), withinPercentage(a.epoch() <= 100 ? 0.01 : 0.5));
        float[][] wa = {a.weights().fc1Weight(), a.weights().fc1Bias(), a.weights().fc2Weight(), a.weights().fc2Bias()};
        float[][] wb = {b.weights().fc1Weight(), b.weights().fc1Bias(), b.weights().fc2Weight(), b.weights().fc2Bias()};
        for (int t = 0; t < wa.length && a.epoch() <= 100; t++) {
          float largest = 0;
          for (float w : wb[t]) {
            largest = Math.max(largest, Math.abs(w));
          }
          for (int k = 0; k < wa[t].length; k++) {
            assertThat(wa[t][k]).as("%s epoch %d tensor %d[%d]", train, a.epoch(), t, k)
                .isCloseTo(wb[t][k], within(1e-4f * largest));
          }
        }
      }
      // Epoch 0 is the same model, bit for bit: both paths initialise alike.
      assertThat(fast.get(0).weights().fc1Weight()).containsExactly(reference.get(0).weights().fc1Weight());
    }
  }

  @Test
  void theFastPathIsDeterministic() {
    RunSpec spec = run("train: {optimizer: adam, learning_rate: 0.01}\ndata: {samples: 100}\ngrid: {epochs: [0, 50], activation_scale: [3.0]}");
    assertThat(train(spec).get(1).weights().fc2Weight()).containsExactly(train(spec).get(1).weights().fc2Weight());
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
    assertThat(first.get(0).weights().fc1Weight()).isEqualTo(second.get(0).weights().fc1Weight());
    assertThat(first.get(1).weights().fc1Weight()).isEqualTo(second.get(1).weights().fc1Weight());
    assertThat(first.get(1).weights().fc1Weight()).isNotEqualTo(first.get(0).weights().fc1Weight());
  }

  @Test
  void initialWeightsFollowPyTorchsDefaultBound() {
    RunSpec spec = run("model: {input: 16, hidden: 64}\ngrid: {epochs: [0]}");
    Weights w = train(spec).get(0).weights();
    float bound1 = 1f / 4f; // 1/sqrt(16)
    float bound2 = 1f / 8f; // 1/sqrt(64)
    for (float v : w.fc1Weight()) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo(bound1);
    }
    for (float v : w.fc2Weight()) {
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
    for (float v : w.fc1Weight()) {
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
    SyntheticData data = SyntheticData.generate(spec.data(), spec.model().input(), spec.model().output());
    assertThatThrownBy(() -> Training.train(spec, Device.cpu(), data, kept::add))
        .isInstanceOf(Training.DivergedException.class)
        .hasMessageContaining("epoch 400");
    assertThat(kept).extracting(Checkpoint::epoch).containsExactly(0);
  }
}
