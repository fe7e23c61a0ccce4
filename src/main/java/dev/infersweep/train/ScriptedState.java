package dev.infersweep.train;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A TorchScript module's whole state at a checkpoint: the archive libtorch writes of it
 * ({@code torch::jit::Module::save}), so its parameters <em>and</em> its buffers (batch-norm running
 * statistics) are kept, as PyTorch's {@code torch.jit.save} would keep them. The module itself is
 * not kept: every timed copy is a fresh module loaded from these bytes, and they load in PyTorch
 * ({@code torch.jit.load}) as they are.
 */
public record ScriptedState(byte[] archive) implements Snapshot {
  public ScriptedState {
    archive = archive.clone();
  }

  /** The state of {@code model} now. */
  public static ScriptedState of(TorchScriptModel model) {
    return new ScriptedState(model.state());
  }

  @Override
  public byte[] archive() {
    return archive.clone();
  }

  /** The archive's SHA-256, hex. */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScriptedState s && java.util.Arrays.equals(archive, s.archive);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(archive);
  }

  @Override
  public String toString() {
    return "ScriptedState(" + archive.length + " bytes)";
  }
}
