package dev.infersweep.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.reference.DebianPyTorch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The zeroed archives load in PyTorch itself (Debian's python3-torch, which .ci/run installs) with
 * no subnormal left and nothing else changed: jobs/reference/check_zeroed.py. Without that PyTorch
 * the test is skipped with a reason, and fails when the environment variable CI is set.
 */
class ZeroedInPyTorchTest {
  static final List<String> SUBNORMAL = Fixtures.SUBNORMAL;

  @BeforeAll
  static void pytorchIsThere() throws Exception {
    DebianPyTorch.require();
  }

  @ParameterizedTest
  @FieldSource("SUBNORMAL")
  void zeroedArchiveLoadsInPyTorchWithoutSubnormals(String fixture, @TempDir Path dir) throws Exception {
    byte[] original = Fixtures.bytes(fixture);
    Path zeroedFile = dir.resolve("zeroed-" + fixture);
    Path originalFile = dir.resolve(fixture);
    Files.write(zeroedFile, TorchArchive.read(original).withSubnormalsZeroed().bytes());
    Files.write(originalFile, original);
    DebianPyTorch.Result result = DebianPyTorch.script("check_zeroed.py", zeroedFile.toString(), originalFile.toString());
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("no subnormals, nothing else changed");
  }
}
