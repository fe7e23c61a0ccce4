package dev.infersweep.read;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtException;
import dev.infersweep.archive.ArchiveException;
import dev.infersweep.archive.OnnxModel;
import dev.infersweep.archive.TensorType;
import dev.infersweep.spec.Precision;
import java.util.Arrays;

/**
 * The check of an ONNX file: its initializers read ({@link OnnxModel}), one float input, a session
 * ONNX Runtime creates, and a forward pass of the declared input shape at a batch of two (or at the
 * input's fixed batch, where the file fixes one) giving one floating tensor.
 */
final class OnnxCheck {
  private OnnxCheck() {}

  static ModelCheck.Checked check(String path, byte[] bytes, long[] inputShape) throws UnreadableModel {
    OnnxModel model;
    try {
      model = OnnxModel.read(bytes);
    } catch (ArchiveException e) {
      throw new UnreadableModel(path + " is not a readable ONNX model: " + e.getMessage(), e);
    }
    if (model.inputs().size() != 1) {
      throw new UnreadableModel(path + " has " + model.inputs().size() + " graph inputs "
          + model.inputs().stream().map(OnnxModel.Input::name).toList() + "; a served model takes one tensor");
    }
    OnnxModel.Input input = model.inputs().get(0);
    if (input.type() != TensorType.FLOAT32 && input.type() != TensorType.FLOAT64) {
      throw new UnreadableModel(path + "'s input " + input.name() + " is " + input.type().label()
          + "; the timed input is float32 or float64");
    }
    Precision precision = ModelCheck.precision(path, model.tensors());
    Long fixed = input.fixedBatch();
    long batch = fixed != null ? fixed : ModelCheck.BATCH;
    long[] shape = new long[inputShape.length + 1];
    shape[0] = batch;
    System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
    try (OrtModel session = OrtModel.load(bytes, 1, false); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = manager.ones(new Shape(shape));
      if (input.type() == TensorType.FLOAT64) {
        x = x.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
      }
      try (NDArray out = session.forward(x)) {
        boolean finite = Double.isFinite(out.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).abs().max().getDouble());
        return new ModelCheck.Checked(model, precision, out.getShape().getShape(), finite);
      } catch (RuntimeException e) {
        throw new UnreadableModel(path + ": a forward pass of input_shape " + Arrays.toString(inputShape) + " (a batch "
            + new Shape(shape) + ") fails in ONNX Runtime: " + oneLine(e), e);
      }
    } catch (OrtException e) {
      throw new UnreadableModel(path + ": ONNX Runtime cannot load it: " + oneLine(e), e);
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
