package dev.infersweep.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import dev.infersweep.archive.Fixtures;
import dev.infersweep.archive.TorchArchive;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** dev.infersweep.archive's reading and rewriting against libtorch 2.7.1 through DJL. */
class ArchiveInDjlTest {
  @ParameterizedTest
  @CsvSource({"bn_mlp.pt, 20, 2", "views.pt, 4, 3"})
  void theZeroedArchiveLoadsInDjlWithoutSubnormalParameters(String fixture, long inputs, long outputs) throws Exception {
    byte[] original = Fixtures.bytes(fixture);
    byte[] zeroed = TorchArchive.read(original).withSubnormalsZeroed().bytes();
    try (TorchScriptModel before = TorchScriptModel.load(original, Device.cpu());
        TorchScriptModel after = TorchScriptModel.load(zeroed, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      assertThat(subnormals(before)).isPositive();
      assertThat(subnormals(after)).isZero();
      try (NDArray y = after.forward(manager.ones(new Shape(2, inputs)))) {
        assertThat(y.getShape()).isEqualTo(new Shape(2, outputs));
      }
    }
  }

  @Test
  void anArchiveLibtorchWritesReadsAsTheOnePyTorchWrote(@TempDir Path dir) throws Exception {
    // libtorch 2.7.1's writer (JniUtils.writeModule), not PyTorch 1.13's: same tensors, same order.
    byte[] original = Fixtures.bytes("bn_mlp.pt");
    TorchScriptModel.load(original, Device.cpu()).close(); // starts the engine offline
    Path file = dir.resolve("bn_mlp.pt");
    Files.write(file, original);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      PtSymbolBlock block =
          JniUtils.loadModule((PtNDManager) manager, file, false, new String[0], new String[0], false);
      JniUtils.writeModule(block, written, false);
    }
    byte[] rewritten = written.toByteArray();
    assertThat(rewritten).isNotEqualTo(original);
    TorchArchive libtorch = TorchArchive.read(rewritten);
    assertThat(libtorch.tensors()).isEqualTo(TorchArchive.read(original).tensors());
    try (TorchScriptModel zeroed = TorchScriptModel.load(libtorch.withSubnormalsZeroed().bytes(), Device.cpu())) {
      assertThat(subnormals(zeroed)).isZero();
    }
  }

  private static long subnormals(TorchScriptModel model) {
    long n = 0;
    for (TorchParameter p : model.parameters()) {
      for (float v : p.values()) {
        n += v != 0 && Math.abs(v) < Float.MIN_NORMAL ? 1 : 0;
      }
    }
    return n;
  }
}
