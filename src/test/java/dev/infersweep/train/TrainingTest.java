package dev.infersweep.train;

import static dev.infersweep.train.TrainingRuns.data;
import static dev.infersweep.train.TrainingRuns.run;
import static dev.infersweep.train.TrainingRuns.train;
import static dev.infersweep.train.TrainingRuns.trainWithAutograd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.infersweep.engine.DjlRuntime;
import dev.infersweep.engine.RestoresIntraOpThreads;
import dev.infersweep.spec.RunSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

// Training sets the intra-op thread count of each run it trains; the class puts back what it found.
@ExtendWith(RestoresIntraOpThreads.class)
class TrainingTest {
  /** Training pins the run's own intra-op thread count, whatever the process was left with. */
  @Test
  void trainingRunsWithTheRunsIntraOpThreads() {
    RunSpec spec = run("data: {samples: 20}\ngrid: {epochs: [0, 1]}", 3);
    DjlRuntime.useThreads(1);
    train(spec);
    assertThat(JniUtils.getNumThreads()).isEqualTo(3);
    DjlRuntime.useThreads(5);
    trainWithAutograd(spec);
    assertThat(JniUtils.getNumThreads()).isEqualTo(3);
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
