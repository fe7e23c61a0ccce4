package dev.infersweep.archive;

import java.util.Locale;

/**
 * The format of a model file, told by its content rather than its name: a TorchScript archive is a
 * zip ({@code PK\3\4}), an ONNX model a protobuf {@code ModelProto} (a run of valid fields holding a
 * graph).
 */
public enum ModelFormat {
  TORCHSCRIPT("a TorchScript archive (a zip file)", "pytorch"),
  ONNX("an ONNX model (a protobuf ModelProto)", "onnxruntime");

  private final String description;
  private final String engine;

  ModelFormat(String description, String engine) {
    this.description = description;
    this.engine = engine;
  }

  /** {@code torchscript} or {@code onnx}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the file is, for messages: "an ONNX model (a protobuf ModelProto)". */
  public String description() {
    return description;
  }

  /** The engine that times this format: the {@code engine} column's value. */
  public String engine() {
    return engine;
  }

  /** The format of {@code bytes}; null when they are neither. */
  public static ModelFormat detect(byte[] bytes) {
    if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
      return TORCHSCRIPT;
    }
    return OnnxModel.looksLike(bytes) ? ONNX : null;
  }

  /** What {@code bytes} are, for a message: a format's description, or "neither …". */
  public static String describe(byte[] bytes) {
    ModelFormat format = detect(bytes);
    return format != null ? format.description()
        : "neither a TorchScript archive (a zip file) nor an ONNX model (a protobuf ModelProto)";
  }
}
