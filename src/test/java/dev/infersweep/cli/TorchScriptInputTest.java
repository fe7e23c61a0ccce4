package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad TorchScript input of a grid exits 2 with one line naming the grid file and what is
 * wrong, before Spark starts, and writes nothing.
 */
class TorchScriptInputTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "missing file         | missing.pt       | [3, 32, 32] | 10 | fp32 | model.torchscript: MODEL does not exist",
    "a folder             | folder           | [3, 32, 32] | 10 | fp32 | model.torchscript: MODEL is a folder, not a model file",
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
      case "folder" -> Files.createDirectories(tmp.resolve("model.pt"));
      case "mlp.onnx" -> Path.of("src/test/resources/onnx/mlp.onnx").toAbsolutePath();
      default -> FIXTURES.resolve(file);
    };
    Path grid = Files.writeString(tmp.resolve("g.yaml"),
        "model: {torchscript: '" + model + "', input_shape: " + shape + ", outputs: " + outputs + "}\n"
            + "data: {samples: 8}\ngrid: {epochs: [0, 1], precision: [" + precision + "]}\n");
    assertExitsTwo(grid, expected.replace("MODEL", model.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "range without an integer type | conv.pt          | input_shape: [3, 32, 32], input_range: [0, 100]                     | model.input_range: applies to integer ids only",
    "integer type without a range  | embedding_mlp.pt | input_shape: [6], input_dtype: int64                                | model.input_range: missing required key with input_dtype int64",
    "inputs and input_shape        | ids_mask.pt      | input_shape: [6], inputs: [{shape: [6], dtype: int64, range: [0, 100]}]  | model.input_shape: give model.inputs (several inputs) or model.input_shape with input_dtype and input_range (one input), not both",
    "an input without its range    | ids_mask.pt      | inputs: [{shape: [6], dtype: int64}, {shape: [6]}]                  | model.inputs[0].range: missing required key with dtype int64",
    "an input's unknown key        | ids_mask.pt      | inputs: [{shape: [6], dtype: int64, range: [0, 100], vocab: 100}]  | model.inputs[0].vocab: unknown key",
    "an empty input list           | ids_mask.pt      | inputs: []                                                          | model.inputs",
    "one input of two              | ids_mask.pt      | inputs: [{shape: [6], dtype: int64, range: [0, 100]}]               | a forward pass of input_shape [6] (a batch (2, 6) of int64 ids in [0, 100)) fails: ",
    "inputs in the wrong order     | ids_mask.pt      | inputs: [{shape: [6]}, {shape: [6], dtype: int64, range: [0, 100]}] | a forward pass of model.inputs [[6], [6] int64 ids in [0, 100)] (batches [(2, 6), (2, 6)]) fails: ",
    "an unknown type               | embedding_mlp.pt | input_shape: [6], input_dtype: float64, input_range: [0, 100]       | model.input_dtype: 'float64' is not allowed; allowed: float32, int64, int32",
    "an empty range                | embedding_mlp.pt | input_shape: [6], input_dtype: int64, input_range: [5, 5]           | model.input_range: [5, 5) is empty; high must be above low",
    "an inverted range             | embedding_mlp.pt | input_shape: [6], input_dtype: int64, input_range: [50, 2]          | model.input_range: [50, 2) is empty",
    "a range of three              | embedding_mlp.pt | input_shape: [6], input_dtype: int64, input_range: [0, 5, 9]        | model.input_range: expected [low, high) as two integers, found 3 values",
    "a negative id                 | embedding_mlp.pt | input_shape: [6], input_dtype: int64, input_range: [-1, 9]          | model.input_range",
    "past exact floats             | embedding_mlp.pt | input_shape: [6], input_dtype: int64, input_range: [0, 16777217]    | model.input_range",
    "ids as floats                 | embedding_mlp.pt | input_shape: [6]                                                    | for integer ids declare model.input_dtype (int64, int32) and model.input_range",
    "a range past the vocabulary   | embedding_mlp.pt | input_shape: [6], input_dtype: int64, input_range: [0, 101]         | a forward pass of input_shape [6] (a batch (2, 6) of int64 ids in [0, 101)) fails: ",
    "ids into a conv               | conv.pt          | input_shape: [3, 32, 32], input_dtype: int32, input_range: [0, 9]   | (a batch (2, 3, 32, 32) of int32 ids in [0, 9)) fails: ",
  })
  void badInputTypesExitTwoWithOneLineNamingTheKey(String what, String file, String keys, String expected) throws Exception {
    Path grid = Files.writeString(tmp.resolve("g.yaml"),
        "model: {torchscript: '" + FIXTURES.resolve(file) + "', " + keys + ", outputs: " + (file.equals("conv.pt") ? 10 : 2) + "}\n"
            + "data: {samples: 8}\ngrid: {epochs: [0, 1]}\n");
    assertExitsTwo(grid, expected);
  }

  private void assertExitsTwo(Path grid, String expected) {
    Path results = tmp.resolve("results");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString());
    String text = console.err().strip();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text).startsWith("infersweep: error: " + grid + ": ");
    assertThat(text).contains(expected);
    assertThat(text.lines()).as("one line").hasSize(1);
    assertThat(results).doesNotExist();
  }
}
