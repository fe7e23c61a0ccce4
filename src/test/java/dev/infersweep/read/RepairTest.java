package dev.infersweep.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.infersweep.archive.TorchArchive;
import dev.infersweep.error.ConfigException;
import dev.infersweep.spec.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Repair} without the command line: the copy it writes, and what it refuses. */
class RepairTest {
  static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();

  @TempDir Path tmp;

  private static Repair.Request request(Path in, Path out, long... shape) {
    return new Repair.Request(in.toString(), shape, out.toString(), RepairOutputs.DEFAULT_TOLERANCE, List.of(1, 64), 0, "cpu");
  }

  @Test
  void writesACopyWithoutSubnormalsWhoseOutputsMatch() throws Exception {
    Path in = FIXTURES.resolve("bn_mlp.pt");
    Path out = tmp.resolve("bn_mlp.repaired.pt");
    List<String> lines = new ArrayList<>();
    assertThat(Repair.run(request(in, out, 20), lines::add)).isEqualTo(Repair.Status.WRITTEN);

    byte[] original = Files.readAllBytes(in);
    byte[] repaired = Files.readAllBytes(out);
    assertThat(TorchArchive.read(original).subnormals()).isEqualTo(12);
    TorchArchive written = TorchArchive.read(repaired);
    assertThat(written.subnormals()).isZero();
    assertThat(repaired).isEqualTo(TorchArchive.read(original).withSubnormalsZeroed().bytes());
    RepairOutputs.Comparison c =
        RepairOutputs.compare(original, repaired, new long[] {20}, Precision.FP32, List.of(1, 64), RepairOutputs.DEFAULT_TOLERANCE);
    assertThat(c.within()).isTrue();
    assertThat(c.inputs()).isEqualTo(5);
    assertThat(lines).anyMatch(l -> l.contains("12 of ") && l.contains("subnormal"))
        .anyMatch(l -> l.startsWith("outputs on 5 input batches") && l.contains("max |Δ| = "))
        .anyMatch(l -> l.startsWith("wrote " + out));
    assertThat(tmp).isDirectoryContaining(p -> p.equals(out));
    try (var files = Files.list(tmp)) {
      assertThat(files.toList()).as("no temporary file left").containsExactly(out);
    }
  }

  @Test
  void aModelWithoutSubnormalsIsLeftAloneAndNothingIsWritten() throws Exception {
    Path out = tmp.resolve("mlp.repaired.pt");
    List<String> lines = new ArrayList<>();
    assertThat(Repair.run(request(FIXTURES.resolve("mlp.pt"), out, 20), lines::add))
        .isEqualTo(Repair.Status.NOTHING_TO_REPAIR);
    assertThat(lines).containsExactly(FIXTURES.resolve("mlp.pt") + " has no subnormal values; nothing to repair");
    assertThat(out).doesNotExist();
  }

  @Test
  void theOutputComparisonMeasuresWhatItSays() throws Exception {
    // A model whose output changes with a zeroed value is refused in RepairInPyTorchTest (exit 6).
    byte[] bn = Files.readAllBytes(FIXTURES.resolve("bn_mlp.pt"));
    RepairOutputs.Comparison same = RepairOutputs.compare(bn, bn, new long[] {20}, Precision.FP32, List.of(1), 1e-6);
    assertThat(same.maxAbsDifference()).isZero();
    assertThat(same.within()).isTrue();
    RepairOutputs.Comparison zero = RepairOutputs.compare(bn, bn, new long[] {20}, Precision.FP32, List.of(1), 0);
    assertThat(zero.within()).as("identical outputs pass a zero tolerance").isTrue();
    assertThat(RepairOutputs.difference(Double.NaN, Double.NaN)).isZero();
    assertThat(RepairOutputs.difference(Double.POSITIVE_INFINITY, 1)).isInfinite();
    assertThat(RepairOutputs.difference(1, 1.5)).isEqualTo(0.5);
  }

  @Test
  void theTimedInputIsTheSweepsInput() {
    // run.Inputs: SyntheticData.standardNormal(new SplittableRandom(timing.input_seed), batch × input).
    float[] one = RepairOutputs.timedInput(new long[] {20}, 1);
    float[] many = RepairOutputs.timedInput(new long[] {20}, 64);
    assertThat(many).hasSize(64 * 20);
    assertThat(java.util.Arrays.copyOf(many, 20)).containsExactly(one);
    assertThat(RepairOutputs.INPUT_SEED).isEqualTo(12345L);
  }

  @Test
  void badOptionsAreRefusedWithOneLine() {
    Path in = FIXTURES.resolve("bn_mlp.pt");
    Path out = tmp.resolve("o.pt");
    assertThatThrownBy(() -> Repair.run(request(in, out, 0), l -> {})).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--input-shape [0]");
    assertThatThrownBy(() -> Repair.run(new Repair.Request(in.toString(), new long[] {20}, out.toString(), -1,
        List.of(1), 0, "cpu"), l -> {})).hasMessageStartingWith("--tolerance -1.0");
    assertThatThrownBy(() -> Repair.run(new Repair.Request(in.toString(), new long[] {20}, out.toString(), 1e-6,
        List.of(0), 0, "cpu"), l -> {})).hasMessageStartingWith("--batch-sizes [0]");
    assertThatThrownBy(() -> Repair.run(request(in, tmp.resolve("no/such/folder.pt"), 20), l -> {}))
        .hasMessageContaining("does not exist");
    assertThat(out).doesNotExist();
  }
}
