package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sweep repair}'s exit codes: every bad input is exit 2 with one line, and nothing is written. */
class RepairCommandTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "missing model     | missing.pt  | 20       | new.pt  | --model MODEL does not exist",
    "not TorchScript   | text        | 20       | new.pt  | --model MODEL is neither a TorchScript archive (a zip file) nor an ONNX model",
    "forward fails     | conv.pt     | 20       | new.pt  | --model MODEL: a forward pass of input_shape [20] (a batch (2, 20)) fails: ",
    "OUT exists        | bn_mlp.pt   | 20       | exists  | --out OUT already exists; repair never overwrites a file",
    "OUT is IN         | bn_mlp.pt   | 20       | same    | --out OUT is the model file itself",
    "OUT links to IN   | bn_mlp.pt   | 20       | link    | --out OUT is the model file itself",
    "bad input shape   | bn_mlp.pt   | 20,-3    | new.pt  | --input-shape [20, -3]: ",
  })
  void badInputExitsTwoWithOneLineAndWritesNothing(String what, String file, String shape, String target, String expected)
      throws Exception {
    Path model = switch (file) {
      case "missing.pt" -> tmp.resolve("missing.pt");
      case "text" -> Files.writeString(tmp.resolve("notes.pt"), "not a model");
      default -> Files.copy(FIXTURES.resolve(file), tmp.resolve(file));
    };
    Path dest = switch (target) {
      case "exists" -> Files.writeString(tmp.resolve("exists.pt"), "keep me");
      case "same" -> model;
      case "link" -> Files.createSymbolicLink(tmp.resolve("link.pt"), model);
      default -> tmp.resolve(target);
    };
    List<Path> before = listing();
    int code = Main.execute("repair", "--model", model.toString(), "--input-shape", shape, "--out", dest.toString(),
        "--timing-seconds", "0");
    String text = console.err().strip();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text).startsWith("infersweep: error: "
        + expected.replace("MODEL", model.toString()).replace("OUT", dest.toString()));
    assertThat(text.lines()).as("one line").hasSize(1);
    assertThat(listing()).as("nothing written, no temporary file").isEqualTo(before);
    if (target.equals("exists")) {
      assertThat(Files.readString(dest)).isEqualTo("keep me");
    }
  }

  @Test
  void aRepairExitsZeroAndPrintsItsAccount() throws Exception {
    Path dest = tmp.resolve("bn.repaired.pt");
    int code = Main.execute("repair", "--model", FIXTURES.resolve("bn_mlp.pt").toString(), "--input-shape", "20",
        "--out", dest.toString(), "--timing-seconds", "0");
    assertThat(code).as(console.err()).isZero();
    assertThat(dest).exists();
    assertThat(console.out()).contains("wrote " + dest);
  }

  private List<Path> listing() throws Exception {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files.sorted().toList();
    }
  }
}
