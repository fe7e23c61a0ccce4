package dev.infersweep.archive;

import java.util.List;

/** A saved model read from its bytes without an engine: a TorchScript archive or an ONNX model. */
public interface StoredModel {
  /** What kind of file it is. */
  ModelFormat format();

  /** The file's bytes (a copy). */
  byte[] bytes();

  /** Every stored tensor, in the file's order. */
  List<StoredTensor> tensors();

  /** Subnormal values over every floating tensor. */
  default long subnormals() {
    return tensors().stream().mapToLong(StoredTensor::subnormals).sum();
  }

  /**
   * The same file with every subnormal value (in its own type) of every floating tensor set to +0 and
   * every other value unchanged; this model when nothing is subnormal.
   */
  StoredModel withSubnormalsZeroed();
}
