package dev.infersweep.archive;

import java.util.List;

/**
 * A TorchScript archive ({@code torch.jit.save}) read from its bytes: the zip's stored entries, the
 * module's pickled state ({@code data.pkl}) and its code's {@code __parameters__}/{@code __buffers__}
 * declarations, giving every parameter and buffer tensor by its {@code state_dict()} name.
 */
public final class TorchArchive {
  private TorchArchive() {}

  /**
   * Reads an archive.
   *
   * @throws ArchiveException when the bytes are not a TorchScript archive (not a zip, no data.pkl, a
   *     compressed entry, an unknown storage type): the message is one line saying what
   */
  public static TorchArchive read(byte[] bytes) throws ArchiveException {
    throw new UnsupportedOperationException("in progress");
  }

  /** The archive's bytes (a copy). */
  public byte[] bytes() {
    throw new UnsupportedOperationException("in progress");
  }

  /** Every parameter and buffer, floating and integer, in {@code state_dict()} order. */
  public List<StoredTensor> tensors() {
    throw new UnsupportedOperationException("in progress");
  }

  /** Subnormal values over every floating parameter and buffer. */
  public long subnormals() {
    throw new UnsupportedOperationException("in progress");
  }

  /**
   * The same archive with every subnormal value (in its own type) of every floating parameter and
   * buffer set to +0 and every other byte unchanged: the zip's layout, names and alignment are kept,
   * only the changed entries' CRC-32s are rewritten, so PyTorch and libtorch load it as they load the
   * original. Returns an archive equal to this one when nothing is subnormal.
   */
  public TorchArchive withSubnormalsZeroed() {
    throw new UnsupportedOperationException("in progress");
  }
}
