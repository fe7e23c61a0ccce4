package dev.infersweep.result;

import dev.infersweep.archive.StoredTensor;
import java.io.Serializable;
import java.util.List;

/**
 * The stored state of the model a row timed: a model file a task read rather than trained, or the
 * whole state a TorchScript run saved at the row's checkpoint. Its SHA-256, the precision a read file
 * is saved in, and every parameter and buffer tensor of it (the {@code layers} column of its rows).
 * Null on the rows of declared networks.
 *
 * @param path the file read; null for a trained checkpoint's state
 * @param sha256 null when the file could not be read
 * @param precision the label of a read file's precision ({@code fp32}, {@code bf16}, …); null when not read, or trained
 * @param tensors empty when the file could not be read
 * @param engine the engine that timed it ({@code pytorch}, {@code onnxruntime}); null when not read
 * @param engineVersion that engine's version; null when not read
 */
public record ModelFile(String path, String sha256, String precision, List<StoredTensor> tensors, String engine,
    String engineVersion) implements Serializable {
  public ModelFile {
    tensors = List.copyOf(tensors);
  }

  /** A file read without saying which engine timed it. */
  public ModelFile(String path, String sha256, String precision, List<StoredTensor> tensors) {
    this(path, sha256, precision, tensors, null, null);
  }

  /** A file the task could not read or check: only its path is known. */
  public static ModelFile unread(String path) {
    return new ModelFile(path, null, null, List.of());
  }
}
