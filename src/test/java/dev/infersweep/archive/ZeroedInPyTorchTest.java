package dev.infersweep.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
  private static final String PYTHON = "/usr/bin/python3";

  @BeforeAll
  static void pytorchIsThere() throws Exception {
    boolean present = Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import torch")).exit == 0;
    if (!present && System.getenv("CI") != null) {
      fail(PYTHON + " -c 'import torch' fails, and CI is set: .ci/run installs python3-torch for this test");
    }
    Assumptions.assumeTrue(present, PYTHON + " with torch (Debian's python3-torch) is not installed: skipped");
  }

  @ParameterizedTest
  @FieldSource("SUBNORMAL")
  void zeroedArchiveLoadsInPyTorchWithoutSubnormals(String fixture, @TempDir Path dir) throws Exception {
    byte[] original = Fixtures.bytes(fixture);
    Path zeroedFile = dir.resolve("zeroed-" + fixture);
    Path originalFile = dir.resolve(fixture);
    Files.write(zeroedFile, TorchArchive.read(original).withSubnormalsZeroed().bytes());
    Files.write(originalFile, original);
    Result result = run(List.of(PYTHON, checker().toString(), zeroedFile.toString(), originalFile.toString()));
    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.output).contains("no subnormals, nothing else changed");
  }

  private static Path checker() {
    Path script = Path.of("jobs/reference/check_zeroed.py").toAbsolutePath();
    assertThat(script).exists();
    return script;
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // Not a timing bound: a guard so a hung interpreter cannot hang the build.
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish");
    }
    return new Result(process.exitValue(), output);
  }
}
