package dev.infersweep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

class TorchArchiveTest {
  static final List<String> ALL = Fixtures.ALL;
  static final List<String> SUBNORMAL = Fixtures.SUBNORMAL;

  @ParameterizedTest
  @FieldSource("ALL")
  void tensorsAreWhatPyTorchCounts(String fixture) throws Exception {
    List<StoredTensor> read = TorchArchive.read(Fixtures.bytes(fixture)).tensors();
    List<StoredTensor> pytorch = Fixtures.pytorchAccount(fixture);
    // Records compare maxAbs with Double.compare: exact, as PyTorch's float() of the same value. The
    // sums of squares are added in another order by PyTorch: equal to a few float64 roundings.
    assertThat(read).usingRecursiveFieldByFieldElementComparatorIgnoringFields("sumSquares")
        .containsExactlyElementsOf(pytorch);
    for (int i = 0; i < read.size(); i++) {
      double expected = pytorch.get(i).sumSquares();
      assertThat(read.get(i).sumSquares()).as(read.get(i).name())
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.abs(expected) * 1e-12 + Double.MIN_VALUE));
    }
  }

  @Test
  void theFixturesPlantWhatTheyClaim() throws Exception {
    // Guards the tests below against fixtures that would make them vacuous.
    for (String fixture : SUBNORMAL) {
      assertThat(TorchArchive.read(Fixtures.bytes(fixture)).subnormals()).as(fixture).isGreaterThan(0);
    }
    TorchArchive bn = TorchArchive.read(Fixtures.bytes("bn_mlp_bf16.pt"));
    assertThat(bn.tensors()).extracting(StoredTensor::type).contains(TensorType.BFLOAT16, TensorType.INT64);
    assertThat(bn.tensors()).extracting(StoredTensor::kind).contains(TensorKind.PARAMETER, TensorKind.BUFFER);
  }

  @ParameterizedTest
  @FieldSource("SUBNORMAL")
  void zeroingLeavesNoSubnormalAndKeepsEverythingElse(String fixture) throws Exception {
    TorchArchive original = TorchArchive.read(Fixtures.bytes(fixture));
    TorchArchive zeroed = original.withSubnormalsZeroed();

    assertThat(zeroed.subnormals()).isZero();
    assertThat(zeroed.bytes()).hasSameSizeAs(original.bytes());
    List<StoredTensor> before = original.tensors();
    List<StoredTensor> after = zeroed.tensors();
    assertThat(after).hasSameSizeAs(before);
    for (int i = 0; i < before.size(); i++) {
      StoredTensor b = before.get(i);
      StoredTensor a = after.get(i);
      assertThat(List.of(a.name(), a.kind(), a.type(), a.shape(), a.values()))
          .isEqualTo(List.of(b.name(), b.kind(), b.type(), b.shape(), b.values()));
      // Only a tensor whose largest magnitude was itself subnormal (bn.bias) loses it.
      if (b.maxAbs() >= b.type().minNormal()) {
        assertThat(a.maxAbs()).as(a.name()).isEqualTo(b.maxAbs());
      }
    }
    ZeroedBytes.assertOnlySubnormalsAndCrcsChanged(original.bytes(), zeroed.bytes());
    ZeroedBytes.assertCrcsMatchContents(zeroed.bytes());
  }

  @Test
  void anArchiveWithoutSubnormalsIsUnchanged() throws Exception {
    byte[] bytes = Fixtures.bytes("mlp.pt");
    assertThat(TorchArchive.read(bytes).withSubnormalsZeroed().bytes()).isEqualTo(bytes);
  }

  @Test
  void viewsShareTheirStorage() throws Exception {
    // wt is fc.weight transposed (strides (1, 4)) and tail a slice at offset 5: zeroing one zeroes all.
    TorchArchive views = TorchArchive.read(Fixtures.bytes("views.pt"));
    assertThat(views.tensors()).extracting(StoredTensor::name, StoredTensor::shape, StoredTensor::subnormals)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("wt", List.of(4L, 3L), 3L),
            org.assertj.core.groups.Tuple.tuple("tail", List.of(4L), 1L),
            org.assertj.core.groups.Tuple.tuple("fc.weight", List.of(3L, 4L), 3L),
            org.assertj.core.groups.Tuple.tuple("fc.bias", List.of(3L), 0L));
    assertThat(views.withSubnormalsZeroed().tensors()).allSatisfy(t -> assertThat(t.subnormals()).isZero());
  }

  @Test
  void halfPrecisionDecodes() {
    assertThat(Elements.half(0x3c00)).isEqualTo(1.0);
    assertThat(Elements.half(0xc000)).isEqualTo(-2.0);
    assertThat(Elements.half(0x0001)).isEqualTo(0x1p-24);
    assertThat(Elements.half(0x0400)).isEqualTo(0x1p-14);
    assertThat(Elements.half(0x7bff)).isEqualTo(65504.0);
    assertThat(Elements.half(0x7c00)).isInfinite();
    assertThat(Elements.half(0x7e00)).isNaN();
  }
}
