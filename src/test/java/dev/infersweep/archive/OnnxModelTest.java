package dev.infersweep.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The ONNX reader against the onnx package's own account of each fixture (initializers.json, made
 * by jobs/reference/make_torchscript_fixtures.py from the files), and its zeroed rewrite.
 */
class OnnxModelTest {
  private static final Path ONNX = Path.of("src/test/resources/onnx");

  static byte[] bytes(String name) throws Exception {
    return Files.readAllBytes(ONNX.resolve(name));
  }

  static List<StoredTensor> onnxAccount(String name) throws Exception {
    return OnnxFixtures.account(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn_mlp.onnx", "mlp.onnx", "mlp_batch4.onnx", "conv.onnx"})
  void initializersAreTheOnnxPackagesAccount(String name) throws Exception {
    List<StoredTensor> expected = onnxAccount(name);
    List<StoredTensor> read = OnnxModel.read(bytes(name)).tensors();
    assertThat(read).hasSameSizeAs(expected);
    for (int i = 0; i < read.size(); i++) {
      StoredTensor r = read.get(i);
      StoredTensor e = expected.get(i);
      assertThat(r.name()).isEqualTo(e.name());
      assertThat(r.kind()).isEqualTo(TensorKind.INITIALIZER);
      assertThat(r.type()).isEqualTo(e.type());
      assertThat(r.shape()).isEqualTo(e.shape());
      assertThat(r.values()).isEqualTo(e.values());
      assertThat(r.subnormals()).as(r.name()).isEqualTo(e.subnormals());
      assertThat(r.maxAbs()).isEqualTo(e.maxAbs());
      assertThat(r.zeros()).isEqualTo(e.zeros());
      assertThat(r.sumSquares()).isCloseTo(e.sumSquares(), org.assertj.core.data.Offset.offset(1e-9 * (1 + e.sumSquares())));
    }
  }

  @Test
  void bnMlpHoldsItsPlantedSubnormals() throws Exception {
    assertThat(OnnxModel.read(bytes("bn_mlp.onnx")).subnormals()).isEqualTo(12);
  }

  @Test
  void theZeroedCopyChangesOnlySubnormalValuesAndKeepsEveryLength() throws Exception {
    byte[] original = bytes("bn_mlp.onnx");
    OnnxModel zeroed = OnnxModel.read(original).withSubnormalsZeroed();
    byte[] z = zeroed.bytes();
    assertThat(z).hasSameSizeAs(original);
    assertThat(zeroed.subnormals()).isZero();
    int changed = 0;
    for (int i = 0; i < z.length; i += 4) {
      int end = Math.min(i + 4, z.length);
      if (!Arrays.equals(original, i, end, z, i, end)) {
        changed++;
      }
    }
    // Each planted float32 value is 4 raw bytes; an aligned window may split one in two.
    assertThat(changed).isBetween(12, 24);
    List<StoredTensor> before = OnnxModel.read(original).tensors();
    List<StoredTensor> after = zeroed.tensors();
    for (int i = 0; i < before.size(); i++) {
      assertThat(after.get(i).zeros()).isEqualTo(before.get(i).zeros() + before.get(i).subnormals());
      if (before.get(i).maxAbs() >= 0x1p-126) {
        assertThat(after.get(i).maxAbs()).isEqualTo(before.get(i).maxAbs());
      }
    }
    assertThat(OnnxModel.read(bytes("mlp.onnx")).withSubnormalsZeroed().bytes()).isEqualTo(bytes("mlp.onnx"));
  }

  @Test
  void theFormatIsToldByContent() throws Exception {
    assertThat(ModelFormat.detect(bytes("mlp.onnx"))).isEqualTo(ModelFormat.ONNX);
    assertThat(ModelFormat.detect(Files.readAllBytes(Path.of("src/test/resources/torchscript/mlp.pt")))).isEqualTo(ModelFormat.TORCHSCRIPT);
    assertThat(ModelFormat.detect("not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
    byte[] whole = bytes("mlp.onnx");
    assertThat(ModelFormat.detect(Arrays.copyOf(whole, whole.length / 2))).isNull();
  }

  @Test
  void theInputSaysWhetherItsBatchIsFixed() throws Exception {
    OnnxModel.Input dynamic = OnnxModel.read(bytes("mlp.onnx")).inputs().get(0);
    assertThat(dynamic.name()).isEqualTo("x");
    assertThat(dynamic.fixedBatch()).isNull();
    assertThat(dynamic.dims().get(1).size()).isEqualTo(20L);
    assertThat(OnnxModel.read(bytes("mlp_batch4.onnx")).inputs().get(0).fixedBatch()).isEqualTo(4L);
  }

  @Test
  void aTruncatedFileIsRefusedInOneLine() throws Exception {
    byte[] whole = bytes("bn_mlp.onnx");
    assertThatThrownBy(() -> OnnxModel.read(Arrays.copyOf(whole, whole.length - 100)))
        .isInstanceOf(ArchiveException.class)
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
  }
}
