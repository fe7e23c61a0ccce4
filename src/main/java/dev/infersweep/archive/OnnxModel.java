package dev.infersweep.archive;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX model ({@code torch.onnx.export}, or any exporter) read from its bytes without an engine:
 * the protobuf {@code ModelProto} walked field by field ({@link Protobuf}), its graph's initializers
 * as {@link StoredTensor}s of kind {@link TensorKind#INITIALIZER} (names, types, shapes, subnormal
 * counts), and the graph's one input with its dimensions. The zeroed copy patches the values where
 * they lie: no length in the file changes, so every other byte is the original's.
 */
public final class OnnxModel implements StoredModel {
  private static final int IR_VERSION = 1;
  private static final int PRODUCER = 2;
  private static final int GRAPH = 7;
  private static final int INITIALIZER = 5;
  private static final int INPUT = 11;
  private static final int SPARSE_INITIALIZER = 15;

  /** One dimension of the input: a fixed size, or a named one the caller chooses (null size). */
  public record Dimension(Long size, String name) {}

  /** The graph's input (a graph input that is not an initializer): its name, element type and shape. */
  public record Input(String name, TensorType type, List<Dimension> dims) {
    public Input {
      dims = List.copyOf(dims);
    }

    /** The batch dimension's fixed size; null when it is dynamic (or the input has no dimension). */
    public Long fixedBatch() {
      return dims.isEmpty() ? null : dims.get(0).size();
    }
  }

  private final byte[] bytes;
  private final List<OnnxTensor> located;
  private final List<StoredTensor> tensors;
  private final List<Input> inputs;
  private final String producer;

  private OnnxModel(byte[] bytes, List<OnnxTensor> located, List<Input> inputs, String producer) {
    this.bytes = bytes;
    this.located = List.copyOf(located);
    this.tensors = located.stream().map(t -> t.stored(bytes)).toList();
    this.inputs = List.copyOf(inputs);
    this.producer = producer;
  }

  /**
   * Reads a model.
   *
   * @throws ArchiveException when the bytes are not a readable ONNX model: one line saying why
   */
  public static OnnxModel read(byte[] bytes) throws ArchiveException {
    try {
      return parse(bytes.clone());
    } catch (ArithmeticException | IndexOutOfBoundsException e) {
      throw new ArchiveException("not a valid ONNX model: " + e, e);
    }
  }

  /** Whether the bytes parse as a ModelProto with an IR version and a graph (the format's test). */
  static boolean looksLike(byte[] bytes) {
    try {
      Protobuf p = new Protobuf(bytes, 0, bytes.length);
      boolean ir = false;
      boolean graph = false;
      while (p.hasNext()) {
        Protobuf.Field f = p.next();
        ir |= f.number() == IR_VERSION && f.wireType() == Protobuf.VARINT;
        graph |= f.number() == GRAPH && f.wireType() == Protobuf.BYTES;
      }
      return ir && graph;
    } catch (ArchiveException e) {
      return false;
    }
  }

  private static OnnxModel parse(byte[] bytes) throws ArchiveException {
    Protobuf p = new Protobuf(bytes, 0, bytes.length);
    Protobuf.Field graph = null;
    String producer = "";
    while (p.hasNext()) {
      Protobuf.Field f = p.next();
      if (f.number() == GRAPH && f.wireType() == Protobuf.BYTES) {
        graph = f;
      } else if (f.number() == PRODUCER && f.wireType() == Protobuf.BYTES) {
        producer = Protobuf.text(bytes, f);
      }
    }
    if (graph == null) {
      throw new ArchiveException("not an ONNX model: no graph (ModelProto field 7)");
    }
    List<OnnxTensor> initializers = new ArrayList<>();
    List<Protobuf.Field> inputs = new ArrayList<>();
    Protobuf g = new Protobuf(bytes, graph.offset(), graph.length());
    while (g.hasNext()) {
      Protobuf.Field f = g.next();
      if (f.number() == INITIALIZER && f.wireType() == Protobuf.BYTES) {
        initializers.add(OnnxTensor.parse(bytes, f, initializers.size()));
      } else if (f.number() == SPARSE_INITIALIZER) {
        throw new ArchiveException("the graph has sparse initializers, which are not read");
      } else if (f.number() == INPUT && f.wireType() == Protobuf.BYTES) {
        inputs.add(f);
      }
    }
    Set<String> names = new HashSet<>();
    initializers.forEach(t -> names.add(t.name));
    List<Input> graphInputs = new ArrayList<>();
    for (Protobuf.Field f : inputs) {
      Input in = OnnxInput.parse(bytes, f);
      // Older exporters list the initializers among the graph's inputs too.
      if (!names.contains(in.name())) {
        graphInputs.add(in);
      }
    }
    return new OnnxModel(bytes, initializers, graphInputs, producer);
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.ONNX;
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Every initializer, in the graph's order. */
  @Override
  public List<StoredTensor> tensors() {
    return tensors;
  }

  /** The graph's inputs that are not initializers, in order (a served model has one). */
  public List<Input> inputs() {
    return inputs;
  }

  /** The exporter named in the file ({@code pytorch}, …); empty when none. */
  public String producer() {
    return producer;
  }

  /**
   * The same model with every subnormal initializer value set to +0 in place: raw and fixed-width
   * values become zero bytes, a varint becomes a zero padded to its old length, so no length in the
   * protobuf changes and every other byte is the original's.
   */
  @Override
  public OnnxModel withSubnormalsZeroed() {
    if (subnormals() == 0) {
      return this;
    }
    byte[] out = bytes.clone();
    for (OnnxTensor t : located) {
      for (int i = 0; i < t.count(); i++) {
        if (t.subnormal(bytes, i)) {
          t.zero(out, i);
        }
      }
    }
    try {
      return parse(out);
    } catch (ArchiveException e) {
      throw new IllegalStateException("the zeroed copy of a readable ONNX model does not read back: " + e.getMessage(), e);
    }
  }
}
