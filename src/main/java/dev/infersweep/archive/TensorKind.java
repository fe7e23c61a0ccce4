package dev.infersweep.archive;

/** What a stored tensor is to its model: the {@code kind} of an element of the {@code layers} column. */
public enum TensorKind {
  /** A trainable parameter ({@code named_parameters()}). */
  PARAMETER,
  /** A buffer ({@code named_buffers()}): batch-norm running statistics, for example. */
  BUFFER,
  /** An ONNX graph's initializer ({@code graph.initializer}): weights as exported, batch norm folded in. */
  INITIALIZER;

  /** The label written in the {@code layers} column: {@code parameter}, {@code buffer}, {@code initializer}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
