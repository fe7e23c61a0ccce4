package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infersweep.error.ConfigException;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.InputValues;
import dev.infersweep.spec.Precision;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The driver's checks of a TorchScript model before anything runs (no Spark): each failure is a
 * {@link ConfigException} with one line naming {@code model.torchscript}, the file and what is wrong.
 * The file is read once (here for a local path; the driver may read any Hadoop path itself and hand
 * the bytes to {@link #check}).
 */
public final class TorchScriptCheck {
  /** A batch of two, so that a module which ignores the batch dimension is caught too. */
  static final int BATCH = 2;

  /** What the check found in a valid file. */
  public record Facts(List<TorchParameter> parameters, long[] outputShape) {
    public long parameterCount() {
      return parameters.stream().mapToLong(p -> p.values().length).sum();
    }
  }

  private TorchScriptCheck() {}

  /**
   * Loads the archive on the CPU and checks it: a TorchScript archive, a forward pass of a batch of
   * {@code inputShape} inputs giving {@code [batch, outputs]}, floating parameters, all fp32, and
   * every precision in {@code precisions} servable.
   *
   * @param path the file's name as the user wrote it, for the messages
   * @param inputShape one sample's shape, without the batch dimension
   */
  public static Facts check(String path, byte[] archive, long[] inputShape, int outputs, Collection<Precision> precisions) {
    return check(path, archive, inputShape, InputValues.FLOAT32, outputs, precisions);
  }

  /**
   * {@link #check} with an input of {@code values}: integer ids are checked with a batch of the
   * range's lowest and highest ids in the declared integer type ({@link ModelInput#extremes}).
   */
  public static Facts check(
      String path, byte[] archive, long[] inputShape, InputValues values, int outputs, Collection<Precision> precisions) {
    return check(path, archive, List.of(new InputSpec(inputShape, values)), outputs, precisions);
  }

  /** {@link #check} of a model whose forward takes {@code inputs}, in order: a batch of two of each. */
  public static Facts check(String path, byte[] archive, List<InputSpec> inputs, int outputs, Collection<Precision> precisions) {
    String file = "model.torchscript: " + path;
    if (dev.infersweep.archive.ModelFormat.detect(archive) == dev.infersweep.archive.ModelFormat.ONNX) {
      throw new ConfigException(file + " is " + dev.infersweep.archive.ModelFormat.ONNX.description()
          + ", not a TorchScript archive; model.torchscript trains TorchScript files (an ONNX model is timed, not"
          + " trained: model.files or model.checkpoints, jobs/sweep scan)");
    }
    if (!isZip(archive)) {
      throw new ConfigException(file + " is not a TorchScript archive (not a zip file; save it with torch.jit.script(model).save(...))");
    }
    TorchScriptModel model;
    try {
      model = TorchScriptModel.load(archive, Device.cpu());
    } catch (MalformedModelException | RuntimeException e) {
      throw new ConfigException(file + " is not a TorchScript archive: " + reason(e), e);
    }
    try (model; NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList batch = ModelInput.extremes(manager, BATCH, inputs);
      String shape = inputs.size() == 1 ? batch.head().getShape().toString() : Arrays.toString(batch.getShapes());
      NDArray output;
      try {
        output = model.forward(batch);
      } catch (RuntimeException e) {
        throw new ConfigException(file + ": " + forwardFails(inputs, shape) + reason(e)
            + (!ModelInput.anyInteger(inputs) && reason(e).contains("'indices'")
                ? "; for integer ids declare model.input_dtype (int64, int32) and model.input_range" : ""), e);
      }
      long[] got = output.getShape().getShape();
      if (!Arrays.equals(got, new long[] {BATCH, outputs})) {
        throw new ConfigException(
            file + " gives output shape " + output.getShape() + " for a batch " + shape
                + "; outputs: " + outputs + " needs (" + BATCH + ", " + outputs + ")");
      }
      if (!output.getDataType().isFloating()) {
        throw new ConfigException(file + " gives " + output.getDataType() + " outputs; training needs floating ones");
      }
      List<TorchParameter> parameters = model.parameters();
      if (parameters.isEmpty()) {
        throw new ConfigException(file + " has no floating parameters: nothing to train");
      }
      if (model.dataType() != DataType.FLOAT32) {
        throw new ConfigException(
            file + "'s parameters are " + model.dataType() + "; it is trained in fp32, so save it as float32 (model.float())");
      }
      for (Precision p : precisions) {
        String reason = p.torchScriptUnservableReason();
        if (reason != null) {
          throw new ConfigException(file + " cannot be served in precision " + p + ": " + reason);
        }
      }
      return new Facts(parameters, got);
    }
  }

  /** {@code a forward pass of input_shape [6] (a batch (2, 6) of int64 ids in [0, 100)) fails: }, or of model.inputs. */
  public static String forwardFails(List<InputSpec> inputs, String batch) {
    if (inputs.size() > 1) {
      return "a forward pass of model.inputs " + inputs + " (batches " + batch + ") fails: ";
    }
    InputSpec in = inputs.get(0);
    return "a forward pass of input_shape " + Arrays.toString(in.shape()) + " (a batch " + batch
        + (in.values().integer() ? " of" + in.values().describe() : "") + ") fails: ";
  }

  static boolean isZip(byte[] bytes) {
    return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
  }

  /** The first informative line of an engine error (TorchScript prefixes its traceback). */
  public static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int plea = message.indexOf("(Could this error message be improved?");
    if (plea >= 0) {
      message = message.substring(0, plea);
    }
    for (String line : message.split("\n")) {
      String s = line.strip();
      if (s.startsWith("RuntimeError:") || s.contains("Error:")) {
        return s;
      }
    }
    for (String line : message.split("\n")) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("The following operation failed") && !s.startsWith("Traceback")) {
        return s;
      }
    }
    return message.strip();
  }
}
