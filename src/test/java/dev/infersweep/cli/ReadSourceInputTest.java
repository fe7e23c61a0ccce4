package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input of a grid whose models are read (a series or a registry) exits 2 with one line
 * naming the grid file and the key, before Spark starts, and writes nothing. The files sit in a
 * folder {@code s/} holding {@code step_0.pt} and {@code step_10.pt} (the BN MLP fixture, input [20]).
 */
class ReadSourceInputTest {
  private static final Path FIXTURES = Path.of("src/test/resources/torchscript").toAbsolutePath();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @TempDir Path tmp;

  @BeforeEach
  void capture() throws Exception {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Files.createDirectories(tmp.resolve("s"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), tmp.resolve("s/step_0.pt"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), tmp.resolve("s/step_10.pt"));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
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
    "unknown key            | {files: ['DIR/s/*.pt'], input_shape: [20], outputs: 2}                | | model.outputs: unknown key; allowed: baseline, checkpoints, files, input_dtype, input_range, input_shape",
    "range without int type | {files: ['DIR/e/ids.pt'], input_shape: [6], input_range: [0, 100]}     | | model.input_range: applies to integer ids only",
    "int type without range | {files: ['DIR/e/ids.pt'], input_shape: [6], input_dtype: int32}        | | model.input_range: missing required key with input_dtype int32",
    "ids past the vocabulary | {files: ['DIR/e/ids.pt'], input_shape: [6], input_dtype: int64, input_range: [0, 101]} | | file:DIR/e/ids.pt: a forward pass of input_shape [6] (a batch (2, 6) of int64 ids in [0, 101)) fails: ",
    "ids as floats          | {files: ['DIR/e/ids.pt'], input_shape: [6]}                            | | file:DIR/e/ids.pt: a forward pass of input_shape [6] (a batch (2, 6)) fails: ",
    "ids into an ONNX model | {files: ['DIR/o/mlp.onnx'], input_shape: [20], input_dtype: int64, input_range: [0, 9]} | | model.input_dtype int64 is timed for TorchScript files only",
  })
  void exitsTwoWithOneLineBeforeSparkStarts(String what, String model, String extra, String expected) throws Exception {
    Files.createDirectories(tmp.resolve("t"));
    Files.copy(FIXTURES.resolve("bn_mlp.pt"), tmp.resolve("t/model_10.pt"));
    Files.writeString(tmp.resolve("notes.pt"), "not a model");
    Files.copy(FIXTURES.resolve("embedding_mlp.pt"), Files.createDirectories(tmp.resolve("e")).resolve("ids.pt"));
    Files.copy(FIXTURES.resolve("../onnx/mlp.onnx").normalize(), Files.createDirectories(tmp.resolve("o")).resolve("mlp.onnx"));
    String dir = tmp.toString();
    Path grid = Files.writeString(tmp.resolve("g.yaml"),
        "model: " + model.replace("DIR", dir) + "\n" + (extra == null ? "" : extra + "\n"));
    Path results = tmp.resolve("results");
    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString());
    String text = err.toString(StandardCharsets.UTF_8).strip();
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
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).contains("model.input_range: applies to integer ids only").hasLineCount(1);
    assertThat(tmp.resolve("r")).doesNotExist();
  }

  @Test
  void scanWithoutAnInputShapeIsAUsageError() {
    int code = Main.execute("scan", "--models", tmp.resolve("s/*.pt").toString(), "--out", tmp.resolve("r").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--input-shape");
    assertThat(tmp.resolve("r")).doesNotExist();
  }
}
