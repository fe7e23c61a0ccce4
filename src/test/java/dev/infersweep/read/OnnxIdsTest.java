package dev.infersweep.read;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputType;
import dev.infersweep.net.InputValues;
import dev.infersweep.train.ModelInput;
import dev.infersweep.train.TorchScriptModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ONNX files that take integer ids (and a float mask beside them) are fed int64 tensors by
 * {@link OrtModel}, one per graph input in order: their outputs are the TorchScript fixtures' own on
 * the same ids (both files are made from the same module by jobs/reference/make_torchscript_fixtures.py),
 * which a float tensor, or the inputs swapped, could not give.
 */
class OnnxIdsTest {
  private static final Path RESOURCES = Path.of("src/test/resources");
  private static final InputSpec IDS = new InputSpec(new long[] {6}, InputValues.ids(InputType.INT64, 0, 100));
  private static final InputSpec MASK = new InputSpec(new long[] {6}, InputValues.FLOAT32);

  /** Five samples of ids uniform in [0, 100) and (for two inputs) a mask of zeros and ones, as the sweep holds them. */
  private static float[] values(List<InputSpec> inputs) {
    SplittableRandom random = new SplittableRandom(7);
    int width = InputSpec.size(inputs);
    float[] v = new float[5 * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % width < 6 ? random.nextInt(100) : random.nextInt(2);
    }
    return v;
  }

  private static float[] onnx(String file, NDList x) throws Exception {
    try (OrtModel model = OrtModel.load(Files.readAllBytes(RESOURCES.resolve("onnx/" + file)), 1, false);
        NDArray out = model.forward(x)) {
      return out.toFloatArray();
    }
  }

  private static float[] torch(String file, NDList x) throws Exception {
    try (TorchScriptModel model = TorchScriptModel.load(Files.readAllBytes(RESOURCES.resolve("torchscript/" + file)), Device.cpu());
        NDArray out = model.forward(x)) {
      return out.toFloatArray();
    }
  }

  @Test
  void anOnnxEmbeddingGivesTheTorchScriptEmbeddingsOutputsOnTheSameInt64Ids() throws Exception {
    List<InputSpec> inputs = List.of(IDS);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList x = ModelInput.create(manager, values(inputs), 5, inputs);
      assertThat(x.head().getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.INT64);
      float[] expected = torch("embedding_mlp.pt", x);
      assertThat(expected).hasSize(10);
      assertThat(onnx("embedding_mlp.onnx", x)).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void anOnnxModelOfIdsAndAMaskTakesThemInTheGraphsOrder() throws Exception {
    List<InputSpec> inputs = List.of(IDS, MASK);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList x = ModelInput.create(manager, values(inputs), 5, inputs);
      float[] expected = torch("ids_mask.pt", x);
      assertThat(onnx("ids_mask.onnx", x)).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void theCheckAcceptsTheDeclaredIdsAndReadsTheOutputShape() throws Exception {
    byte[] bytes = Files.readAllBytes(RESOURCES.resolve("onnx/ids_mask.onnx"));
    ModelCheck.Checked checked = ModelCheck.check("ids_mask.onnx", bytes, List.of(IDS, MASK));
    assertThat(checked.outputShape()).containsExactly(2, 2);
    assertThat(checked.outputFinite()).isTrue();
  }
}
