package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.reference.DebianPyTorch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep repair} against PyTorch itself (Debian's python3-torch, as {@code
 * archive.ZeroedInPyTorchTest}): the repaired file passes {@code jobs/reference/check_zeroed.py}, and a
 * model whose output does depend on a subnormal parameter is refused with exit 6 and nothing written.
 * Skipped without that PyTorch, and failed then when the environment variable CI is set.
 */
class RepairInPyTorchTest {
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedOut;

  @TempDir Path tmp;

  @BeforeAll
  static void pytorchIsThere() throws Exception {
    DebianPyTorch.require();
  }

  @BeforeEach
  void capture() {
    savedOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(savedOut);
  }

  @Test
  void theRepairedFileLoadsInPyTorchWithoutSubnormalsAndNothingElseChanged() throws Exception {
    Path original = FIXTURES.resolve("bn_mlp.pt");
    Path repaired = tmp.resolve("bn_mlp.repaired.pt");
    int code = Main.execute("repair", "--model", original.toString(), "--input-shape", "20", "--out", repaired.toString(),
        "--timing-seconds", "0");
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    DebianPyTorch.Result check = DebianPyTorch.script("check_zeroed.py", repaired.toString(), original.toString());
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("no subnormals, nothing else changed");
  }

  @Test
  void aModelWhoseOutputDependsOnASubnormalIsRefusedWithExitSix() throws Exception {
    // forward(x) = x · (p · 1e38) with p = 1e-39, a subnormal: 0.1 x, and 0 once p is zeroed.
    Path model = tmp.resolve("scaled.pt");
    String script = String.join("\n",
        "import sys, torch",
        "class Scaled(torch.nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        "        self.p = torch.nn.Parameter(torch.tensor([1e-39], dtype=torch.float32))",
        "    def forward(self, x):",
        "        return x * (self.p * 1e38)",
        "torch.jit.script(Scaled()).save(sys.argv[1])",
        "");
    // torch.jit.script reads the module's source, so the script is a file, not python3 -c.
    Path maker = Files.writeString(tmp.resolve("make_scaled.py"), script);
    DebianPyTorch.Result made = DebianPyTorch.run(List.of(DebianPyTorch.PYTHON, maker.toString(), model.toString()));
    Files.delete(maker);
    assertThat(made.exit()).as(made.output()).isZero();
    Path dest = tmp.resolve("scaled.repaired.pt");
    int code = Main.execute("repair", "--model", model.toString(), "--input-shape", "4", "--out", dest.toString(),
        "--timing-seconds", "0");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isEqualTo(6);
    assertThat(printed).contains("1 of 1 floating parameter and buffer values are subnormal")
        .contains("differ beyond the tolerance: " + dest + " not written");
    try (var files = Files.list(tmp)) {
      assertThat(files.toList()).as("nothing written, no temporary file").containsExactly(model);
    }
  }
}
