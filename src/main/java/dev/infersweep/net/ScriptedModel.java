package dev.infersweep.net;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A TorchScript module the user brings ({@code torch.jit.script(model).save("m.pt")}): where the
 * grid names it, one sample's input shape, its outputs and the loss it trains with; and, once the
 * driver has read and checked the file, the archive's bytes, which travel in the run spec so that
 * executors never open the path. Its initial weights are the file's: the seed axis sets only the
 * order of the data.
 *
 * @param path the file as the grid names it (any Hadoop path)
 * @param inputShape one sample's shape, without the batch dimension
 * @param inputValues the input's element type and, for integer ids, their range
 * @param archive the file's bytes; null until the driver has read it
 * @param sha256 the bytes' SHA-256, hex; null until read
 * @param parameters the module's floating parameters, by name and shape, in its order; empty until checked
 */
public record ScriptedModel(
    String path, long[] inputShape, InputValues inputValues, int outputs, LossFunction loss, byte[] archive, String sha256, List<Parameter> parameters)
    implements ModelSpec {
  /** One floating parameter tensor of the module: its name in {@code named_parameters()} and its shape. */
  public record Parameter(String name, List<Long> shape) implements java.io.Serializable {
    public Parameter {
      shape = List.copyOf(shape);
    }

    /** Its values: the product of the shape. */
    public long size() {
      return shape.stream().reduce(1L, Math::multiplyExact);
    }
  }

  public ScriptedModel {
    inputShape = inputShape.clone();
    java.util.Objects.requireNonNull(inputValues, "inputValues");
    parameters = List.copyOf(parameters);
    if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("input_shape needs one or more positive sizes, not " + Arrays.toString(inputShape));
    }
    if (outputs < 1 || (loss.classification() && outputs < 2)) {
      throw new IllegalArgumentException("outputs must be at least " + (loss.classification() ? 2 : 1) + ", not " + outputs);
    }
  }

  /** The grid's declaration, before the file is read. */
  public static ScriptedModel declared(String path, long[] inputShape, int outputs, LossFunction loss) {
    return declared(path, inputShape, InputValues.FLOAT32, outputs, loss);
  }

  /** The grid's declaration of a model whose input is {@code values} (e.g. int64 ids). */
  public static ScriptedModel declared(String path, long[] inputShape, InputValues values, int outputs, LossFunction loss) {
    return new ScriptedModel(path, inputShape, values, outputs, loss, null, null, List.of());
  }

  /** The same model with the file's bytes (as the driver read them) and its parameters. */
  public ScriptedModel withArchive(byte[] bytes, List<Parameter> parameters) {
    return new ScriptedModel(path, inputShape, inputValues, outputs, loss, bytes.clone(), sha256(bytes), parameters);
  }

  /** Floating parameter values in the module. */
  public long parameterCount() {
    return parameters.stream().mapToLong(Parameter::size).sum();
  }

  /** Whether the driver has read the file. */
  public boolean loaded() {
    return archive != null;
  }

  @Override
  public long[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public byte[] archive() {
    return archive == null ? null : archive.clone();
  }

  @Override
  public long[] sampleShape() {
    return inputShape();
  }

  @Override
  public int input() {
    long n = 1;
    for (long d : inputShape) {
      n = Math.multiplyExact(n, d);
    }
    return Math.toIntExact(n);
  }

  /**
   * The file's content (not its path), shape, outputs and loss: the same file under another name is
   * the same model, and a changed file is another.
   *
   * @throws IllegalStateException before the driver has read the file
   */
  @Override
  public String canonical() {
    if (sha256 == null) {
      throw new IllegalStateException("model.torchscript " + path + " has not been read yet");
    }
    return "torchscript=" + sha256 + ";shape=" + shapeText("x") + inputValues.canonical() + ";outputs=" + outputs + ";loss=" + loss.label();
  }

  @Override
  public String describe() {
    String name = Path.of(path).getFileName() == null ? path : Path.of(path).getFileName().toString();
    return "torchscript " + name + " " + Arrays.toString(inputShape) + inputValues.describe() + "→" + outputs + ", " + loss.label();
  }

  @Override
  public String rescaleUnavailableReason() {
    return "a TorchScript module has no declared layers; the rescale twin is a control for declared networks";
  }

  @Override
  public String traceUnavailableReason() {
    return "a TorchScript module has no declared layers; the numeric trace is recorded for declared networks";
  }

  /** The input shape joined by {@code separator}, e.g. {@code 3x32x32}. */
  public String shapeText(String separator) {
    StringBuilder s = new StringBuilder();
    for (long d : inputShape) {
      s.append(s.length() == 0 ? "" : separator).append(d);
    }
    return s.toString();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScriptedModel m
        && path.equals(m.path)
        && Arrays.equals(inputShape, m.inputShape)
        && inputValues.equals(m.inputValues)
        && outputs == m.outputs
        && loss == m.loss
        && java.util.Objects.equals(sha256, m.sha256)
        && parameters.equals(m.parameters);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(path, Arrays.hashCode(inputShape), inputValues, outputs, loss, sha256, parameters);
  }

  @Override
  public String toString() {
    return describe() + (sha256 == null ? "" : " (sha256 " + sha256.substring(0, 12) + ")");
  }
}
