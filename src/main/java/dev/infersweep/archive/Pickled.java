package dev.infersweep.archive;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;

/** What {@link TorchUnpickler} makes of the values in a {@code data.pkl} that matter to the reader. */
final class Pickled {
  private Pickled() {}

  /** A {@code __torch__} module object: its class and its attributes in pickle (slot) order. */
  static final class Module {
    private final String module;
    private final String name;
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    Module(String module, String name) {
      this.module = module;
      this.name = name;
    }

    void build(Map<?, ?> state) {
      state.forEach((k, v) -> attributes.put(String.valueOf(k), v));
    }

    /** The Python module holding its class: {@code __torch__.torch.nn.modules.linear}. */
    String module() {
      return module;
    }

    String name() {
      return name;
    }

    Map<String, Object> attributes() {
      return attributes;
    }
  }

  /** A storage class global, {@code torch.HalfStorage}: the persistent id holds the global itself. */
  record StorageClass(TensorType type, String qualifiedName) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      return this;
    }
  }

  /** Any other global: called, it becomes a {@link Call}. */
  record Global(String qualifiedName) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      return new Call(qualifiedName, Arrays.asList(args));
    }
  }

  /** A storage: its type, its entry's key ({@code data/<key>}) and its element count. */
  record Storage(TensorType type, String key, long numel) {}

  /** A strided view of a storage. */
  record Tensor(Storage storage, long offset, long[] size, long[] stride) {
    long numel() {
      long n = 1;
      for (long s : size) {
        n *= s;
      }
      return n;
    }
  }

  /** Any other global called with its arguments. */
  record Call(String function, List<Object> args) {}
}
