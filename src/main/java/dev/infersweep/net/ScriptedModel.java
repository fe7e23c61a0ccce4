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
 * @param inputs the inputs forward takes, in order: each one sample's shape and what it holds
 * @param archive the file's bytes; null until the driver has read it
 * @param sha256 the bytes' SHA-256, hex; null until read
 * @param parameters the module's floating parameters, by name and shape, in its order; empty until checked
 */
public record ScriptedModel(
    String path, List<InputSpec> inputs, int outputs, LossFunction loss, byte[] archive, String sha256, List<Parameter> parameters)
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
    inputs = List.copyOf(inputs);
    parameters = List.copyOf(parameters);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a model takes one or more inputs");
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
    return declared(path, List.of(new InputSpec(inputShape, values)), outputs, loss);
  }

  /** The grid's declaration of a model whose forward takes {@code inputs} ({@code model.inputs}). */
  public static ScriptedModel declared(String path, List<InputSpec> inputs, int outputs, LossFunction loss) {
    return new ScriptedModel(path, inputs, outputs, loss, null, null, List.of());
  }

  /** The same model with the file's bytes (as the driver read them) and its parameters. */
  public ScriptedModel withArchive(byte[] bytes, List<Parameter> parameters) {
    return new ScriptedModel(path, inputs, outputs, loss, bytes.clone(), sha256(bytes), parameters);
  }

  /** Floating parameter values in the module. */
  public long parameterCount() {
    return parameters.stream().mapToLong(Parameter::size).sum();
  }

  /** Whether the driver has read the file. */
  public boolean loaded() {
    return archive != null;
  }

  /** Whether forward takes one input (then {@link #sampleShape} is its shape). */
  public boolean singleInput() {
    return inputs.size() == 1;
  }

  @Override
  public byte[] archive() {
    return archive == null ? null : archive.clone();
  }

  /** One input's shape; several inputs' values side by side, flattened ({@link #input} per sample). */
  @Override
  public long[] sampleShape() {
    return singleInput() ? inputs.get(0).shape() : new long[] {input()};
  }

  @Override
  public int input() {
    return InputSpec.size(inputs);
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
    return "torchscript=" + sha256 + ";shape=" + shapes() + ";outputs=" + outputs + ";loss=" + loss.label();
  }

  @Override
  public String describe() {
    String name = Path.of(path).getFileName() == null ? path : Path.of(path).getFileName().toString();
    return "torchscript " + name + " " + (singleInput() ? inputs.get(0).describe() : inputs.toString()) + "→" + outputs + ", " + loss.label();
  }

  @Override
  public String rescaleUnavailableReason() {
    return "a TorchScript module has no declared layers; the rescale twin is a control for declared networks";
  }

  @Override
  public String traceUnavailableReason() {
    return "a TorchScript module has no declared layers; the numeric trace is recorded for declared networks";
  }

  /** The canonical inputs: one input as before several were possible (so its run ids stay), else each. */
  private String shapes() {
    return singleInput() ? shapeText("x") + inputs.get(0).values().canonical() : "inputs=" + inputs;
  }

  /** The first input's shape joined by {@code separator}, e.g. {@code 3x32x32}. */
  public String shapeText(String separator) {
    StringBuilder s = new StringBuilder();
    for (long d : inputs.get(0).shape()) {
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
        && inputs.equals(m.inputs)
        && outputs == m.outputs
        && loss == m.loss
        && java.util.Objects.equals(sha256, m.sha256)
        && parameters.equals(m.parameters);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(path, inputs, outputs, loss, sha256, parameters);
  }

  @Override
  public String toString() {
    return describe() + (sha256 == null ? "" : " (sha256 " + sha256.substring(0, 12) + ")");
  }
}
