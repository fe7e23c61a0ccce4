package dev.infersweep.read;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import dev.infersweep.archive.ArchiveException;
import dev.infersweep.archive.OnnxModel;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputType;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.ModelInput;
import dev.infersweep.train.TorchScriptCheck;
import java.util.List;

/**
 * The check of an ONNX file: its initializers read ({@link OnnxModel}), graph inputs as many as the
 * declared inputs, each of the declared element type (float32 for a float32 or float64 input, int64
 * or int32 ids), a session ONNX Runtime creates, and a forward pass of the declared inputs at a batch
 * of two (or at the first input's fixed batch, where the file fixes one) giving one floating tensor.
 */
final class OnnxCheck {
  /**
   * How the checks name one declared input: a one-element {@code model.inputs} ({@code scan --input})
   * is the same source as {@code model.input_shape}, and the source no longer knows which was given.
   */
  private static final String ONE_INPUT = "model.input_shape (or a one-element model.inputs)";

  private OnnxCheck() {}

  static ModelCheck.Checked check(String path, byte[] bytes, List<InputSpec> inputs) throws UnreadableModel {
    OnnxModel model;
    try {
      model = OnnxModel.read(bytes);
    } catch (ArchiveException e) {
      throw new UnreadableModel(path + " is not a readable ONNX model: " + e.getMessage(), e);
    }
    List<OnnxModel.Input> graph = model.inputs();
    if (graph.size() != inputs.size()) {
      throw new UnreadableModel(path + " has " + graph.size() + " graph input" + (graph.size() == 1 ? " " : "s ")
          + graph.stream().map(OnnxModel.Input::name).toList() + "; " + (inputs.size() == 1 ? ONE_INPUT : "model.inputs")
          + " declares " + inputs.size() + " (give model.inputs, one per graph input in the graph's order)");
    }
    for (int k = 0; k < graph.size(); k++) {
      matchType(path, graph.get(k), inputs.get(k).values().type(), inputs.size() == 1 ? "model.input_dtype" : "model.inputs[" + k + "].dtype");
    }
    Precision precision = ModelCheck.precision(path, model.tensors());
    Long fixed = graph.get(0).fixedBatch();
    int batch = fixed != null ? Math.toIntExact(fixed) : ModelCheck.BATCH;
    try (OrtModel session = OrtModel.load(bytes, 1, false); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList x = ModelInput.extremes(manager, batch, inputs);
      try (NDArray out = session.forward(x)) {
        boolean finite = Double.isFinite(out.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).abs().max().getDouble());
        return new ModelCheck.Checked(model, precision, out.getShape().getShape(), finite);
      } catch (RuntimeException e) {
        String fails = TorchScriptCheck.forwardFails(inputs, ModelCheck.batchText(x));
        throw new UnreadableModel(path + ": " + fails.substring(0, fails.length() - 2) + " in ONNX Runtime: " + oneLine(e), e);
      }
    } catch (OrtException e) {
      throw new UnreadableModel(path + ": ONNX Runtime cannot load it: " + oneLine(e), e);
    }
  }

  /**
   * The declared element type against the graph input's: float32 feeds a float32 or float64 input
   * (the timed values are float32 either way), int64 and int32 ids feed an input of their own type.
   */
  private static void matchType(String path, OnnxModel.Input input, InputType declared, String key) throws UnreadableModel {
    InputType wanted = switch (input.type()) {
      case FLOAT32, FLOAT64 -> InputType.FLOAT32;
      case INT64 -> InputType.INT64;
      case INT32 -> InputType.INT32;
      default -> throw new UnreadableModel(path + "'s input " + input.name() + " is " + input.type().label()
          + "; the timed input is float32, float64, int64 or int32");
    };
    if (wanted != declared) {
      throw new UnreadableModel(path + "'s input " + input.name() + " is " + input.type().label() + " but " + key + " is "
          + declared.label() + "; declare " + wanted.label() + (wanted.integer() ? " with its range (the ids' [low, high))" : "")
          + " to match the file");
    }
  }

  /**
   * Why batch {@code batch} cannot be timed with {@code model}: its input fixes another batch size;
   * null when it can.
   */
  static String batchRefusal(String path, OnnxModel model, int batch) {
    OnnxModel.Input input = model.inputs().get(0);
    Long fixed = input.fixedBatch();
    if (fixed == null || fixed == batch) {
      return null;
    }
    return path + "'s input " + input.name() + " has a fixed batch dimension of " + fixed + ", so batch_size " + batch
        + " cannot be timed with it (export it with a dynamic batch axis, dynamic_axes={'" + input.name()
        + "': {0: 'batch'}}, or time batch_size " + fixed + ")";
  }

  static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }
}
