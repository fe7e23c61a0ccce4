package dev.infersweep.read;

/**
 * A model file that cannot be timed as declared: not a TorchScript archive, one libtorch cannot
 * load, one whose forward pass does not take the declared input, or (in a series) one whose tensors
 * are not the baseline's. The message is one line naming the file and what is wrong; on the driver
 * it is exit 2, in a task it becomes that model's failed rows.
 */
public final class UnreadableModel extends Exception {
  private static final long serialVersionUID = 1L;

  public UnreadableModel(String message) {
    super(message);
  }

  public UnreadableModel(String message, Throwable cause) {
    super(message, cause);
  }
}
