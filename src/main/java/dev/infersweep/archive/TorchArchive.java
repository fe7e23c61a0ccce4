package dev.infersweep.archive;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A TorchScript archive ({@code torch.jit.save}) read from its bytes: the zip's stored entries, the
 * module's pickled state ({@code data.pkl}) and its code's {@code __parameters__}/{@code __buffers__}
 * declarations, giving every parameter and buffer tensor by its {@code state_dict()} name.
 *
 * <p>No engine is involved: the zip's central directory is read here (each entry's data offset in the
 * array), {@code data.pkl} with the unpickler Spark ships, and each tensor's values straight from its
 * storage entry ({@code data/<key>}, little endian) through its offset and strides, so views sharing
 * a storage are read as PyTorch reads them.
 */
public final class TorchArchive implements StoredModel {
  private static final Pattern DATA_PKL = Pattern.compile("[^/]+/data\\.pkl");

  /** A tensor with where its storage's bytes are. */
  private record Located(StoredTensor stored, Pickled.Tensor tensor, ZipEntries.Entry entry) {}

  private final byte[] bytes;
  private final List<Located> located;
  private final List<StoredTensor> tensors;

  private TorchArchive(byte[] bytes, List<Located> located) {
    this.bytes = bytes;
    this.located = List.copyOf(located);
    this.tensors = located.stream().map(Located::stored).toList();
  }

  /**
   * Reads an archive.
   *
   * @throws ArchiveException when the bytes are not a TorchScript archive (not a zip, no data.pkl, a
   *     compressed entry, an unknown storage type): the message is one line saying what
   */
  public static TorchArchive read(byte[] bytes) throws ArchiveException {
    byte[] copy = bytes.clone();
    try {
      return parse(copy);
    } catch (RuntimeException e) {
      // A malformed length or offset that points outside the array: still a one-line refusal.
      throw new ArchiveException("not a valid TorchScript archive: " + TorchUnpickler.oneLine(e), e);
    }
  }

  private static TorchArchive parse(byte[] bytes) throws ArchiveException {
    ZipEntries zip = ZipEntries.parse(bytes);
    ZipEntries.Entry pickle = null;
    for (ZipEntries.Entry entry : zip.all()) {
      if (pickle == null && DATA_PKL.matcher(entry.name()).matches()) {
        pickle = entry;
      }
    }
    if (pickle == null) {
      throw new ArchiveException("a zip file without <name>/data.pkl: not a TorchScript archive");
    }
    requireStored(pickle);
    String prefix = pickle.name().substring(0, pickle.name().length() - "data.pkl".length());
    Object root = TorchUnpickler.load(zip.read(pickle));
    if (!(root instanceof Pickled.Module module)) {
      throw new ArchiveException("data.pkl holds a " + (root == null ? "None" : root.getClass().getSimpleName())
          + ", not a TorchScript module");
    }
    List<Located> located = new ArrayList<>();
    for (StateDict.Named named : StateDict.of(zip, prefix, module)) {
      located.add(locate(bytes, zip, prefix, named));
    }
    return new TorchArchive(bytes, located);
  }

  private static void requireStored(ZipEntries.Entry entry) throws ArchiveException {
    if (entry.method() != ZipEntries.STORED || entry.compressedSize() != entry.size()) {
      throw new ArchiveException("zip entry " + entry.name() + " is compressed (method " + entry.method()
          + "); TorchScript stores data.pkl and tensor data uncompressed, and this reader needs them so");
    }
  }

  private static Located locate(byte[] bytes, ZipEntries zip, String prefix, StateDict.Named named)
      throws ArchiveException {
    Pickled.Tensor tensor = named.tensor();
    Pickled.Storage storage = tensor.storage();
    String file = prefix + "data/" + storage.key();
    ZipEntries.Entry entry = zip.get(file).orElseThrow(() -> new ArchiveException(
        named.name() + ": its storage entry " + file + " is not in the archive"));
    requireStored(entry);
    TensorType type = storage.type();
    if (storage.numel() < 0 || storage.numel() * type.bytes() > entry.size()) {
      throw new ArchiveException(named.name() + ": storage " + file + " holds " + entry.size()
          + " bytes, fewer than " + storage.numel() + " " + type.label() + " values");
    }
    requireInside(named.name(), tensor);
    long[] counts = new long[2];
    double[] max = {0, 0};
    Elements.forEachIndex(tensor.offset(), tensor.size(), tensor.stride(), index -> {
      int at = (int) (entry.dataOffset() + index * type.bytes());
      if (Elements.subnormal(type, bytes, at)) {
        counts[0]++;
      }
      double abs = Elements.abs(type, bytes, at);
      counts[1] += abs == 0 ? 1 : 0;
      max[1] += abs * abs;
      if (Double.isNaN(abs) || abs > max[0]) {
        max[0] = Double.isNaN(max[0]) ? max[0] : abs;
      }
    });
    List<Long> shape = Arrays.stream(tensor.size()).boxed().toList();
    StoredTensor stored = new StoredTensor(
        named.name(), named.kind(), type, shape, tensor.numel(), counts[0], max[0], counts[1], max[1]);
    return new Located(stored, tensor, entry);
  }

  /** Every element of the view lies inside its storage (the lowest and the highest index do). */
  private static void requireInside(String name, Pickled.Tensor tensor) throws ArchiveException {
    if (tensor.size().length != tensor.stride().length) {
      throw new ArchiveException(name + ": " + tensor.size().length + " sizes but " + tensor.stride().length + " strides");
    }
    if (tensor.numel() == 0) {
      return;
    }
    long low = tensor.offset();
    long high = tensor.offset();
    for (int d = 0; d < tensor.size().length; d++) {
      long reach = (tensor.size()[d] - 1) * tensor.stride()[d];
      low += Math.min(0, reach);
      high += Math.max(0, reach);
    }
    if (low < 0 || high >= tensor.storage().numel()) {
      throw new ArchiveException(name + ": its view (offset " + tensor.offset() + ", sizes "
          + Arrays.toString(tensor.size()) + ", strides " + Arrays.toString(tensor.stride())
          + ") reaches outside its storage of " + tensor.storage().numel() + " values");
    }
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.TORCHSCRIPT;
  }

  /** The archive's bytes (a copy). */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Every parameter and buffer, floating and integer, in {@code state_dict()} order. */
  @Override
  public List<StoredTensor> tensors() {
    return tensors;
  }

  /**
   * The same archive with every subnormal value (in its own type) of every floating parameter and
   * buffer set to +0 and every other byte unchanged: the zip's layout, names and alignment are kept,
   * only the changed entries' CRC-32s are rewritten, so PyTorch and libtorch load it as they load the
   * original. Returns an archive equal to this one when nothing is subnormal.
   *
   * <p>Why not re-zip: PyTorch's reader expects its tensor entries stored and aligned (it maps them
   * at 64-byte boundaries, padding with its own extra field), and a rewrite that keeps every offset
   * changes nothing but the values and their checksums. The CRC is written in the central directory
   * and where the local copy lives: the local header, or the data descriptor that follows the data
   * when the local header defers it (PyTorch's writer sets bit 3 and leaves 0 in the local header).
   */
  @Override
  public TorchArchive withSubnormalsZeroed() {
    if (subnormals() == 0) {
      return this;
    }
    byte[] out = bytes.clone();
    Set<ZipEntries.Entry> changed = new LinkedHashSet<>();
    for (Located tensor : located) {
      TensorType type = tensor.stored().type();
      if (!type.floating() || tensor.stored().subnormals() == 0) {
        continue;
      }
      Pickled.Tensor view = tensor.tensor();
      Elements.forEachIndex(view.offset(), view.size(), view.stride(), index -> {
        int at = (int) (tensor.entry().dataOffset() + index * type.bytes());
        if (Elements.subnormal(type, out, at)) {
          Arrays.fill(out, at, at + type.bytes(), (byte) 0);
        }
      });
      changed.add(tensor.entry());
    }
    for (ZipEntries.Entry entry : changed) {
      CRC32 crc = new CRC32();
      crc.update(out, entry.dataOffset(), (int) entry.size());
      ZipEntries.writeCrc(out, entry, crc.getValue());
    }
    try {
      return parse(out);
    } catch (ArchiveException e) {
      throw new IllegalStateException("the zeroed copy of a readable archive does not read back: " + e.getMessage(), e);
    }
  }
}
