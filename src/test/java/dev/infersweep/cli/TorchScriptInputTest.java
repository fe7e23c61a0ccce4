package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad TorchScript input of a grid exits 2 with one line naming the grid file and what is
 * wrong, before Spark starts, and writes nothing.
 */
class TorchScriptInputTest {
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @TempDir Path tmp;

  @BeforeEach
  void capture() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "missing file         | missing.pt       | [3, 32, 32] | 10 | fp32 | model.torchscript: MODEL does not exist",
    "not an archive       | text             | [3, 32, 32] | 10 | fp32 | is not a TorchScript archive (not a zip file",
    "an ONNX model        | mlp.onnx         | [20]        | 2  | fp32 | model.torchscript: MODEL is an ONNX model (a protobuf ModelProto), not a TorchScript archive;",
    "forward fails        | conv.pt          | [20]        | 10 | fp32 | : a forward pass of input_shape [20] (a batch (2, 20)) fails: ",
    "wrong output size    | conv.pt          | [3, 32, 32] | 7  | fp32 | gives output shape (2, 10) for a batch (2, 3, 32, 32); outputs: 7 needs (2, 7)",
    "no parameters        | no_parameters.pt | [20]        | 10 | fp32 | has no floating parameters: nothing to train",
    "precision unservable | conv.pt          | [3, 32, 32] | 10 | fp16 | grid.precision: fp16 with model.torchscript: DJL 0.36 cannot cast a TorchScript module",
  })
  void exitsTwoWithOneLineBeforeSparkStarts(String what, String file, String shape, int outputs, String precision, String expected)
      throws Exception {
    Path model = switch (file) {
      case "missing.pt" -> tmp.resolve("missing.pt");
      case "text" -> Files.writeString(tmp.resolve("notes.pt"), "not a model");
      case "mlp.onnx" -> Path.of("src/test/resources/onnx/mlp.onnx").toAbsolutePath();
      default -> FIXTURES.resolve(file);
    };
    Path grid = Files.writeString(tmp.resolve("g.yaml"),
        "model: {torchscript: '" + model + "', input_shape: " + shape + ", outputs: " + outputs + "}\n"
            + "data: {samples: 8}\ngrid: {epochs: [0, 1], precision: [" + precision + "]}\n");
    Path results = tmp.resolve("results");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString());
    String text = err.toString(StandardCharsets.UTF_8).strip();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text).startsWith("infersweep: error: " + grid + ": ");
    assertThat(text).contains(expected.replace("MODEL", model.toString()));
    assertThat(text.lines()).as("one line").hasSize(1);
    assertThat(results).doesNotExist();
  }
}
