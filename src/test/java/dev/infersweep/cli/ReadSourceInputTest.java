package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input of a grid whose models are read (a series or a registry) exits 2 with one line
 * naming the grid file and the key, before Spark starts, and writes nothing. The files sit in a
 * folder {@code s/} holding {@code step_0.pt} and {@code step_10.pt} (the BN MLP fixture, input [20]).
 */
class ReadSourceInputTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();

  @TempDir Path tmp;

  @BeforeEach
  void twoCheckpoints() throws Exception {
    Files.createDirectories(tmp.resolve("s"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), tmp.resolve("s/step_0.pt"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), tmp.resolve("s/step_10.pt"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "glob matches nothing   | {checkpoints: ['DIR/s/ckpt_*.pt'], input_shape: [20]}                 | | model.checkpoints[0]: DIR/s/ckpt_*.pt matches no file",
    "path does not exist    | {files: ['DIR/s/missing.pt'], input_shape: [20]}                      | | model.files[0]: DIR/s/missing.pt does not exist",
    "input_shape missing    | {files: ['DIR/s/*.pt']}                                               | | model.files[0]: model.input_shape is missing",
    "forward fails          | {checkpoints: ['DIR/s/step_*.pt'], input_shape: [3, 32, 32]}          | | model.checkpoints: file:DIR/s/step_0.pt: a forward pass of input_shape [3, 32, 32] (a batch (2, 3, 32, 32)) fails: ",
    "same series number     | {checkpoints: ['DIR/s/step_*.pt', 'DIR/t/model_10.pt'], input_shape: [20]} | | have the same series number 10; a series has one checkpoint per number",
    "training keys refused  | {checkpoints: ['DIR/s/step_*.pt'], input_shape: [20]}                 | grid: {weight_decay: [0.01]} | grid: a grid of models that are read (model.checkpoints or model.files) trains nothing; remove 'grid'",
    "baseline in a registry | {files: ['DIR/s/*.pt'], input_shape: [20], baseline: 'DIR/s/step_0.pt'} | | model.baseline: a registry (model.files) has no baseline",
    "baseline not a model   | {checkpoints: ['DIR/s/step_*.pt'], input_shape: [20], baseline: 'DIR/notes.pt'} | | model.baseline: file:DIR/notes.pt is neither a TorchScript archive (a zip file) nor an ONNX model",
    "unknown key            | {files: ['DIR/s/*.pt'], input_shape: [20], outputs: 2}                | | model.outputs: unknown key; allowed: baseline, checkpoints, files, input_dtype, input_range, input_shape, inputs",
    "range without int type | {files: ['DIR/e/ids.pt'], input_shape: [6], input_range: [0, 100]}     | | model.input_range: applies to integer ids only",
    "int type without range | {files: ['DIR/e/ids.pt'], input_shape: [6], input_dtype: int32}        | | model.input_range: missing required key with input_dtype int32",
    "ids past the vocabulary | {files: ['DIR/e/ids.pt'], input_shape: [6], input_dtype: int64, input_range: [0, 101]} | | file:DIR/e/ids.pt: a forward pass of input_shape [6] (a batch (2, 6) of int64 ids in [0, 101)) fails: ",
    "ids as floats          | {files: ['DIR/e/ids.pt'], input_shape: [6]}                            | | file:DIR/e/ids.pt: a forward pass of input_shape [6] (a batch (2, 6)) fails: ",
    "ids into a float ONNX model | {files: ['DIR/o/mlp.onnx'], input_shape: [20], input_dtype: int64, input_range: [0, 9]} | | model.files: file:DIR/o/mlp.onnx's input x is float32 but model.input_dtype is int64; declare float32 to match the file",
    "ONNX ids as floats     | {files: ['DIR/o/embedding_mlp.onnx'], input_shape: [6]}             | | model.files: file:DIR/o/embedding_mlp.onnx's input ids is int64 but model.input_dtype is float32; declare int64 with its range (the ids' [low, high)) to match the file",
    "ONNX int32 for int64   | {files: ['DIR/o/embedding_mlp.onnx'], input_shape: [6], input_dtype: int32, input_range: [0, 100]} | | model.files: file:DIR/o/embedding_mlp.onnx's input ids is int64 but model.input_dtype is int32; declare int64 with its range",
    "ONNX ids past the vocabulary | {files: ['DIR/o/embedding_mlp.onnx'], input_shape: [6], input_dtype: int64, input_range: [0, 101]} | | model.files: file:DIR/o/embedding_mlp.onnx: a forward pass of input_shape [6] (a batch (2, 6) of int64 ids in [0, 101)) fails in ONNX Runtime: ",
    "one input of an ONNX pair | {files: ['DIR/o/ids_mask.onnx'], input_shape: [6], input_dtype: int64, input_range: [0, 100]} | | model.files: file:DIR/o/ids_mask.onnx has 2 graph inputs [ids, mask]; model.input_shape (or a one-element model.inputs) declares 1 (give model.inputs, one per graph input in the graph's order)",
    "one inputs element for an ONNX pair | {files: ['DIR/o/ids_mask.onnx'], inputs: [{shape: [6], dtype: int64, range: [0, 100]}]} | | model.files: file:DIR/o/ids_mask.onnx has 2 graph inputs [ids, mask]; model.input_shape (or a one-element model.inputs) declares 1",
    "two inputs of a one-input ONNX | {files: ['DIR/o/embedding_mlp.onnx'], inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}]} | | model.files: file:DIR/o/embedding_mlp.onnx has 1 graph input [ids]; model.inputs declares 2",
    "ONNX inputs in the wrong order | {files: ['DIR/o/ids_mask.onnx'], inputs: [{shape: [6]}, {shape: [6], dtype: int64, range: [0, 100]}]} | | model.files: file:DIR/o/ids_mask.onnx's input ids is int64 but model.inputs[0].dtype is float32; declare int64",
    "inputs in the wrong order | {files: ['DIR/m/ids_mask.pt'], inputs: [{shape: [6]}, {shape: [6], dtype: int64, range: [0, 100]}]} | | model.files: file:DIR/m/ids_mask.pt: a forward pass of model.inputs [[6], [6] int64 ids in [0, 100)] (batches [(2, 6), (2, 6)]) fails: ",
    "inputs and input_shape | {files: ['DIR/m/ids_mask.pt'], input_shape: [6], inputs: [{shape: [6]}]} | | model.input_shape: give model.inputs (several inputs) or model.input_shape with input_dtype and input_range (one input), not both",
    "an input without its range | {files: ['DIR/m/ids_mask.pt'], inputs: [{shape: [6], dtype: int64}, {shape: [6]}]} | | model.inputs[0].range: missing required key with dtype int64",
    "an entry's shape with inputs | {files: [{path: 'DIR/m/ids_mask.pt', input_shape: [6]}], inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}]} | | input_shape: an entry's own input_shape is one input; with model.inputs every file takes the declared inputs",
  })
  void exitsTwoWithOneLineBeforeSparkStarts(String what, String model, String extra, String expected) throws Exception {
    Files.createDirectories(tmp.resolve("t"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), tmp.resolve("t/model_10.pt"));
    Files.writeString(tmp.resolve("notes.pt"), "not a model");
    Files.copy(FIXTURES.resolve("embedding_mlp.pt"), Files.createDirectories(tmp.resolve("e")).resolve("ids.pt"));
    for (String onnx : new String[] {"mlp.onnx", "embedding_mlp.onnx", "ids_mask.onnx"}) {
      Files.copy(FIXTURES.resolve("../onnx/" + onnx).normalize(), Files.createDirectories(tmp.resolve("o")).resolve(onnx));
    }
    Files.copy(FIXTURES.resolve("ids_mask.pt"), Files.createDirectories(tmp.resolve("m")).resolve("ids_mask.pt"));
    String dir = tmp.toString();
    Path grid = Files.writeString(tmp.resolve("g.yaml"),
        "model: " + model.replace("DIR", dir) + "\n" + (extra == null ? "" : extra + "\n"));
    Path results = tmp.resolve("results");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString());
    String text = console.err().strip();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text).startsWith("infersweep: error: " + grid + ": ");
    assertThat(text).contains(expected.replace("DIR", dir));
    assertThat(text.lines()).as("one line").hasSize(1);
    assertThat(results).doesNotExist();
  }

  @Test
  void scanTakesAnInputTypeAndRangeAndRefusesARangeWithoutAnIntegerType() {
    ScanCommand ids = new picocli.CommandLine(new ScanCommand()).<ScanCommand>getCommand();
    new picocli.CommandLine(ids).parseArgs("--models", "m/*.pt", "--input-shape", "6", "--input-dtype", "int64",
        "--input-range", "0,100", "--out", "r");
    assertThat(ids.grid().model().inputs().get(0).values()).isEqualTo(dev.infersweep.net.InputValues.ids(dev.infersweep.net.InputType.INT64, 0, 100));
    int code = Main.execute("scan", "--models", tmp.resolve("s/*.pt").toString(), "--input-shape", "6",
        "--input-range", "0,100", "--out", tmp.resolve("r").toString());
    assertThat(code).isEqualTo(2);
    assertThat(console.err().strip()).contains("model.input_range: applies to integer ids only").hasLineCount(1);
    assertThat(tmp.resolve("r")).doesNotExist();
  }

  @Test
  void scanTakesSeveralInputsInOrderAsModelInputs() {
    ScanCommand scan = new picocli.CommandLine(new ScanCommand()).<ScanCommand>getCommand();
    new picocli.CommandLine(scan).parseArgs("--models", "m/*.pt", "--input", "6:int64:0,100", "--input", "6", "--out", "r");
    assertThat(scan.grid().model().inputs()).containsExactly(
        new dev.infersweep.net.InputSpec(new long[] {6}, dev.infersweep.net.InputValues.ids(dev.infersweep.net.InputType.INT64, 0, 100)),
        new dev.infersweep.net.InputSpec(new long[] {6}, dev.infersweep.net.InputValues.FLOAT32));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "a range of one     | 6:int64:0    | scan options: model.inputs[0].range: expected [low, high) as two integers, found 1 values",
    "not a number       | 6x:int64     | scan options: --input 6x:int64: '6x' is not a list of integers (expected SHAPE[:TYPE[:LOW,HIGH]], e.g. 16:int64:0,30000)",
    "too many parts     | 6:int64:0,9:1 | scan options: --input 6:int64:0,9:1: expected SHAPE[:TYPE[:LOW,HIGH]], e.g. 16:int64:0,30000 or 3,32,32",
    "a range for floats | 6:float32:0,9 | scan options: model.inputs[0].range: applies to integer ids only",
  })
  void aBadScanInputExitsTwoWithOneLine(String what, String input, String expected) {
    int code = Main.execute("scan", "--models", tmp.resolve("s/*.pt").toString(), "--input", input, "--input", "6",
        "--out", tmp.resolve("r").toString());
    String text = console.err().strip();
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text).startsWith("infersweep: error: " + expected).hasLineCount(1);
    assertThat(tmp.resolve("r")).doesNotExist();
  }

  @Test
  void planListsEachFileWithItsInputsAfterCheckingOne() throws Exception {
    Files.copy(FIXTURES.resolve("ids_mask.pt"), Files.createDirectories(tmp.resolve("m")).resolve("ids_mask.pt"));
    Path grid = Files.writeString(tmp.resolve("p.yaml"), "model: {files: ['" + tmp.resolve("m/*.pt")
        + "'], inputs: [{shape: [6], dtype: int64, range: [0, 100]}, {shape: [6]}]}\n");
    assertThat(Main.execute("plan", "--grid", grid.toString())).isZero();
    assertThat(console.out()).contains("ids_mask.pt [[6] int64 ids in [0, 100), [6]], ");
  }

  @Test
  void scanWithoutAnInputShapeIsAUsageError() {
    int code = Main.execute("scan", "--models", tmp.resolve("s/*.pt").toString(), "--out", tmp.resolve("r").toString());
    assertThat(code).isEqualTo(2);
    assertThat(console.err()).contains("--input-shape");
    assertThat(tmp.resolve("r")).doesNotExist();
  }
}
