package dev.infersweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.archive.StoredTensor;
import dev.infersweep.archive.TensorKind;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.net.LossFunction;
import dev.infersweep.spec.Optimizer;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A TorchScript checkpoint is the module's whole state: a model with BatchNorm and Dropout
 * ({@code bn_mlp.pt}: 20 → 32, BatchNorm1d, ReLU, Dropout(0.5) → 2), trained a few SGD steps, whose
 * timed copy loaded from the checkpoint gives the trained module's eval-mode outputs bit for bit,
 * with the trained running statistics; its epoch-0 copy gives the file's. Dropout is off while timing.
 */
class WholeStateTest {
  private static byte[] fixture() throws Exception {
    try (InputStream in = WholeStateTest.class.getResourceAsStream("/torchscript/bn_mlp.pt")) {
      return in.readAllBytes();
    }
  }

  private static float[] values(NDArray a) {
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  @Test
  void theTimedCopyOfATrainedBatchNormModelIsTheTrainedModelBitForBit() throws Exception {
    byte[] file = fixture();
    Random random = new Random(29);
    float[] features = new float[64 * 20];
    for (int i = 0; i < features.length; i++) {
      features[i] = (float) random.nextGaussian();
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        TorchScriptModel model = TorchScriptModel.load(file, Device.cpu());
        TorchScriptModel asFiled = TorchScriptModel.load(file, Device.cpu())) {
      NDArray x = manager.create(features, new Shape(64, 20));
      NDArray labels = manager.create(new float[64]).toType(DataType.INT64, false);
      ScriptedState initial = ScriptedState.of(model);
      TorchScriptTrainer trainer = new TorchScriptTrainer(model, TorchScriptTrainer.optimizer(Optimizer.SGD, 0.1f, 0, 0), LossFunction.CROSS_ENTROPY);
      for (int step = 0; step < 5; step++) {
        trainer.step(x, labels);
      }
      ScriptedState trained = ScriptedState.of(model);
      float[] expected = values(model.forward(x));
      try (TorchScriptModel timed = TorchScriptModel.load(trained.archive(), Device.cpu());
          TorchScriptModel epoch0 = TorchScriptModel.load(initial.archive(), Device.cpu())) {
        float[] first = values(timed.forward(x));
        assertThat(first).as("the trained module's eval outputs").containsExactly(expected);
        // Dropout(0.5) active while timing would zero half the hidden units at random: two calls differ.
        assertThat(values(timed.forward(x))).containsExactly(first);
        assertThat(values(epoch0.forward(x))).as("the file's outputs").containsExactly(values(asFiled.forward(x)));
        assertThat(first).isNotEqualTo(values(epoch0.forward(x)));
      }
      List<StoredTensor> before = TorchArchive.read(initial.archive()).tensors();
      List<StoredTensor> after = TorchArchive.read(trained.archive()).tensors();
      StoredTensor meanBefore = named(before, "bn.running_mean");
      StoredTensor meanAfter = named(after, "bn.running_mean");
      assertThat(meanAfter.kind()).isEqualTo(TensorKind.BUFFER);
      assertThat(meanAfter.sumSquares()).as("the running statistics moved with training").isNotEqualTo(meanBefore.sumSquares());
      assertThat(named(after, "bn.num_batches_tracked").maxAbs()).isEqualTo(named(before, "bn.num_batches_tracked").maxAbs() + 5);
    }
  }

  @Test
  void theZeroedCopyZeroesSubnormalBuffersToo() throws Exception {
    TorchArchive state = TorchArchive.read(fixture());
    assertThat(named(state.tensors(), "bn.running_var").subnormals()).isPositive();
    TorchArchive zeroed = TorchArchive.read(state.withSubnormalsZeroed().bytes());
    assertThat(zeroed.tensors()).allSatisfy(t -> assertThat(t.subnormals()).as(t.name()).isZero());
  }

  private static StoredTensor named(List<StoredTensor> tensors, String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
