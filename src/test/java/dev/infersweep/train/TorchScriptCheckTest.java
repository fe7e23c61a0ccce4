package dev.infersweep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.error.ConfigException;
import dev.infersweep.spec.Precision;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Each bad TorchScript input gives one line naming model.torchscript and the file. */
class TorchScriptCheckTest {
  static final long[] IMAGE = {3, 32, 32};
  static final long[] ROW = {20};

  static AbstractThrowableAssert<?, ?> fails(Runnable check, String file) {
    return assertThatThrownBy(check::run)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("model.torchscript: " + file)
        .hasMessageNotContaining("\n");
  }

  @Test
  void bothFixturesPass() {
    var conv = TorchScriptCheck.check("conv.pt", TorchScriptModelTest.fixture("conv.pt"), IMAGE, 10, List.of(Precision.FP32));
    assertThat(conv.outputShape()).containsExactly(TorchScriptCheck.BATCH, 10);
    assertThat(conv.parameterCount()).isEqualTo(8 * 3 * 9 + 8 + 10 * 2048 + 10);
    var mlp = TorchScriptCheck.check("mlp.pt", TorchScriptModelTest.fixture("mlp.pt"), ROW, 1, List.of(Precision.FP32));
    assertThat(mlp.parameters()).hasSize(6);
  }

  @Test
  void notATorchScriptArchive() throws Exception {
    fails(() -> TorchScriptCheck.check("a.txt", "hello".getBytes(StandardCharsets.UTF_8), ROW, 1, List.of()), "a.txt")
        .hasMessageContaining("is not a TorchScript archive");
    // A zip file, but not one libtorch can load.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("m/readme.txt"));
      zip.write("not a module".getBytes(StandardCharsets.UTF_8));
    }
    fails(() -> TorchScriptCheck.check("m.zip", bytes.toByteArray(), ROW, 1, List.of()), "m.zip")
        .hasMessageContaining("is not a TorchScript archive: ");
  }

  @Test
  void forwardOfInputShapeFails() {
    fails(() -> TorchScriptCheck.check("mlp.pt", TorchScriptModelTest.fixture("mlp.pt"), IMAGE, 1, List.of()), "mlp.pt")
        .hasMessageContaining("a forward pass of input_shape [3, 32, 32] (a batch (2, 3, 32, 32)) fails: ");
  }

  @Test
  void outputSizeIsNotOutputs() {
    fails(() -> TorchScriptCheck.check("conv.pt", TorchScriptModelTest.fixture("conv.pt"), IMAGE, 5, List.of()), "conv.pt")
        .hasMessage("model.torchscript: conv.pt gives output shape (2, 10) for a batch (2, 3, 32, 32); outputs: 5 needs (2, 5)");
  }

  @Test
  void noFloatingParameters() {
    fails(() -> TorchScriptCheck.check("no_parameters.pt", TorchScriptModelTest.fixture("no_parameters.pt"), ROW, 10, List.of()), "no_parameters.pt")
        .hasMessage("model.torchscript: no_parameters.pt has no floating parameters: nothing to train");
  }

  @Test
  void aPrecisionOtherThanFp32CannotBeServed() {
    for (Precision p : List.of(Precision.FP16, Precision.FP64, Precision.BF16)) {
      fails(() -> TorchScriptCheck.check("mlp.pt", TorchScriptModelTest.fixture("mlp.pt"), ROW, 1, List.of(Precision.FP32, p)), "mlp.pt")
          .hasMessageContaining("cannot be served in precision " + p.label() + ": DJL 0.36 cannot cast a TorchScript module");
    }
  }
}
