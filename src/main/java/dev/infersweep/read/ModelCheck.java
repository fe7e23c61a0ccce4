package dev.infersweep.read;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.infersweep.archive.ArchiveException;
import dev.infersweep.archive.ModelFormat;
import dev.infersweep.archive.OnnxModel;
import dev.infersweep.archive.StoredModel;
import dev.infersweep.archive.StoredTensor;
import dev.infersweep.archive.TensorKind;
import dev.infersweep.archive.TensorType;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputValues;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.ModelInput;
import dev.infersweep.train.TorchScriptCheck;
import dev.infersweep.train.TorchScriptModel;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a model file's bytes before it is timed: its format told by its content (a TorchScript
 * archive, or an ONNX model, {@link OnnxCheck}), tensors that can be read, an engine that loads it, and whose forward pass takes a batch of two of the declared input shape and
 * gives one floating tensor. The same check runs on the driver (on the one file it opens) and in
 * every task (on its own file).
 */
public final class ModelCheck {
  /** A batch of two, so that a module which ignores the batch dimension is caught too. */
  static final int BATCH = 2;

  /** A checked file: its tensors and the precision it is served in (that of its floating parameters). */
  public record Checked(StoredModel model, Precision precision, long[] outputShape, boolean outputFinite) {}

  private ModelCheck() {}

  /**
   * @param path the file as listed, for the messages
   * @throws UnreadableModel with one line naming {@code path} and the problem
   */
  public static Checked check(String path, byte[] bytes, long[] inputShape) throws UnreadableModel {
    return check(path, bytes, List.of(new InputSpec(inputShape, InputValues.FLOAT32)));
  }

  /**
   * {@link #check} of a model whose forward takes {@code inputs}, in order (one, or several: {@code
   * model.inputs}): integer ids are checked with a batch of the range's lowest and highest ids
   * ({@link ModelInput#extremes}); an ONNX model's graph inputs must be as many, each of the declared
   * element type ({@link OnnxCheck}).
   */
  public static Checked check(String path, byte[] bytes, List<InputSpec> inputs) throws UnreadableModel {
    ModelFormat format = ModelFormat.detect(bytes);
    if (format == null) {
      throw new UnreadableModel(path + " is " + ModelFormat.describe(bytes) + "; a model file is one of them");
    }
    return format == ModelFormat.ONNX ? OnnxCheck.check(path, bytes, inputs) : torchScript(path, bytes, inputs);
  }

  /** Whether batch size {@code batch} can be timed with the checked file; null when it can, else why not. */
  public static String batchRefusal(String path, Checked checked, int batch) {
    return checked.model() instanceof OnnxModel onnx ? OnnxCheck.batchRefusal(path, onnx, batch) : null;
  }

  private static Checked torchScript(String path, byte[] bytes, List<InputSpec> inputs) throws UnreadableModel {
    TorchArchive archive;
    try {
      archive = TorchArchive.read(bytes);
    } catch (ArchiveException e) {
      throw new UnreadableModel(path + " is not a TorchScript archive: " + e.getMessage(), e);
    }
    Precision precision = precision(path, archive.tensors());
    TorchScriptModel model;
    try {
      model = TorchScriptModel.load(bytes, Device.cpu());
    } catch (MalformedModelException | RuntimeException e) {
      throw new UnreadableModel(path + ": libtorch cannot load it: " + TorchScriptCheck.reason(e), e);
    }
    try (model; NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList batch = ModelInput.extremes(manager, BATCH, inputs);
      long[] out;
      boolean finite;
      try (NDArray output = model.forward(batch)) {
        if (output.getDataType() != DataType.FLOAT32 && output.getDataType() != DataType.FLOAT64
            && output.getDataType() != DataType.FLOAT16) {
          // DJL 0.36 aborts the JVM on bfloat16 arrays it reads, so such an output is refused here.
          throw new UnreadableModel(path + " gives " + output.getDataType() + " outputs; a served model gives float32,"
              + " float64 or float16 ones (cast a bfloat16 model's output with .float() in forward)");
        }
        out = output.getShape().getShape();
        try (NDArray wide = output.toType(DataType.FLOAT64, true); NDArray max = wide.abs().max()) {
          finite = Double.isFinite(max.getDouble());
        }
      } catch (RuntimeException e) {
        throw new UnreadableModel(path + ": " + TorchScriptCheck.forwardFails(inputs, batchText(batch)) + TorchScriptCheck.reason(e), e);
      }
      return new Checked(archive, precision, out, finite);
    }
  }

  /** {@code (2, 6)} for one input, {@code [(2, 6), (2, 6)]} for several, as the messages name batches. */
  static String batchText(NDList batch) {
    return batch.size() == 1 ? batch.head().getShape().toString() : Arrays.toString(batch.getShapes());
  }

  /**
   * The precision the file is served in: the type most of its floating parameter values have (a
   * model saved with {@code .half()} is fp16); fp32 for a model without floating parameters.
   */
  static Precision precision(String path, List<StoredTensor> tensors) throws UnreadableModel {
    Map<TensorType, Long> values = new EnumMap<>(TensorType.class);
    for (StoredTensor t : tensors) {
      // An ONNX file's weights are its initializers.
      if ((t.kind() == TensorKind.PARAMETER || t.kind() == TensorKind.INITIALIZER) && t.type().floating()) {
        values.merge(t.type(), t.values(), Long::sum);
      }
    }
    TensorType most = values.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
        .orElse(TensorType.FLOAT32);
    return switch (most) {
      case FLOAT32 -> Precision.FP32;
      case FLOAT64 -> Precision.FP64;
      case FLOAT16 -> Precision.FP16;
      case BFLOAT16 -> Precision.BF16;
      default -> throw new UnreadableModel(path + ": parameters of type " + most.label() + " are not a served precision");
    };
  }

  /**
   * Why {@code model} is not a checkpoint of the same network as {@code baseline} (the first tensor
   * whose name, kind, type or shape differs, or one that only one of them has); null when it is.
   */
  public static String differenceFromBaseline(List<StoredTensor> model, List<StoredTensor> baseline) {
    for (int i = 0; i < Math.max(model.size(), baseline.size()); i++) {
      StoredTensor m = i < model.size() ? model.get(i) : null;
      StoredTensor b = i < baseline.size() ? baseline.get(i) : null;
      if (m == null || b == null) {
        StoredTensor only = m == null ? b : m;
        return (m == null ? "the baseline" : "the model") + " has " + describe(only) + " and the other has no tensor " + i;
      }
      if (!m.name().equals(b.name()) || m.kind() != b.kind() || m.type() != b.type() || !m.shape().equals(b.shape())) {
        return "tensor " + i + " is " + describe(m) + " here and " + describe(b) + " in the baseline";
      }
    }
    return null;
  }

  private static String describe(StoredTensor t) {
    return t.kind().label() + " " + t.name() + " " + t.type().label() + t.shape();
  }
}
