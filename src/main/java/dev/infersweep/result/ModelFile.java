package dev.infersweep.result;

import dev.infersweep.archive.StoredTensor;
import java.io.Serializable;
import java.util.List;

/**
 * What a task read of a model file it timed rather than trained: the file, its content's SHA-256,
 * the precision its parameters are saved in, and every parameter and buffer tensor of it (the
 * {@code layers} column of its rows). Null on the rows of trained models.
 *
 * @param sha256 null when the file could not be read
 * @param precision the label of the file's precision ({@code fp32}, {@code bf16}, …); null when not read
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
