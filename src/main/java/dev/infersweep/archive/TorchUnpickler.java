package dev.infersweep.archive;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles a TorchScript {@code data.pkl} into {@link Pickled} values: modules ({@code __torch__.*}
 * classes with their attributes in order), tensors ({@code torch._utils._rebuild_tensor_v2} over a
 * persistent storage id) and, for anything else, an opaque call. The unpickler is an instance per
 * archive: nothing is registered globally (its constructor table is static and shared with Spark).
 * Dictionaries keep their order, unlike the library's: a module's attribute order is its
 * {@code state_dict()} order.
 */
final class TorchUnpickler extends Unpickler {
  private static final short GLOBAL = 'c';
  private static final short STACK_GLOBAL = 0x93;
  private static final short EMPTY_DICT = '}';
  private static final short DICT = 'd';
  private static final short SETITEMS = 'u';
  private static final short BUILD = 'b';
  private static final short BINPERSID = 'Q';

  static Object load(byte[] pickle) throws ArchiveException {
    TorchUnpickler unpickler = new TorchUnpickler();
    try {
      return unpickler.loads(pickle);
    } catch (PickleException | IOException | ClassCastException e) {
      throw new ArchiveException("data.pkl is not a TorchScript module pickle: " + oneLine(e), e);
    } finally {
      unpickler.close();
    }
  }

  static String oneLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    return e.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
  }

  @Override
  protected Object dispatch(short key) throws PickleException, IOException {
    switch (key) {
      case GLOBAL -> stack.add(global(PickleUtils.readline(input), PickleUtils.readline(input)));
      case STACK_GLOBAL -> {
        String name = (String) stack.pop();
        stack.add(global((String) stack.pop(), name));
      }
      // Handled here, not by the library's persistentLoad: pickle 1.3 (Spark 3.5) passes it the id's
      // text, pickle 1.5 (Spark 4) the tuple itself; this reader needs the tuple under both.
      case BINPERSID -> stack.add(storage(stack.pop()));
      case EMPTY_DICT -> stack.add(new LinkedHashMap<>());
      case DICT -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        putPairs(map, stack.pop_all_since_marker());
        stack.add(map);
      }
      case SETITEMS -> {
        List<Object> pairs = stack.pop_all_since_marker();
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) stack.peek();
        putPairs(map, pairs);
      }
      case BUILD -> {
        Object state = stack.pop();
        if (stack.peek() instanceof Pickled.Module module && state instanceof Map<?, ?> attributes) {
          module.build(attributes);
        } else if (!(stack.peek() instanceof Pickled.Call)) {
          stack.add(state);
          return super.dispatch(key);
        }
      }
      default -> {
        return super.dispatch(key);
      }
    }
    return NO_RETURN_VALUE;
  }

  private static void putPairs(Map<Object, Object> map, List<Object> pairs) {
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      map.put(pairs.get(i), pairs.get(i + 1));
    }
  }

  private static IObjectConstructor global(String module, String name) {
    if (module.equals("__torch__") || module.startsWith("__torch__.")) {
      return args -> new Pickled.Module(module, name);
    }
    if (module.equals("torch._utils") && name.equals("_rebuild_tensor_v2")) {
      return TorchUnpickler::tensor;
    }
    if (module.equals("collections") && name.equals("OrderedDict")) {
      return args -> new LinkedHashMap<>();
    }
    Optional<TensorType> storage = TensorType.ofStorage(module, name);
    if (storage.isPresent()) {
      return new Pickled.StorageClass(storage.get(), module + "." + name);
    }
    // torch.jit._pickle.build_intlist and the like, quantized or sparse tensors: kept as calls.
    return new Pickled.Global(module + "." + name);
  }

  private static Object tensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof Pickled.Storage storage)) {
      throw new PickleException("_rebuild_tensor_v2 without a storage");
    }
    return new Pickled.Tensor(storage, number(args[1]), longs(args[2]), longs(args[3]));
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  private static long[] longs(Object tuple) {
    Object[] values = (Object[]) tuple;
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = number(values[i]);
    }
    return out;
  }

  /** ('storage', storage class, key, location, numel), as torch.jit.save writes each tensor's storage. */
  private static Object storage(Object pid) {
    Object[] id = pid instanceof Object[] tuple ? tuple : new Object[0];
    if (id.length < 5 || !"storage".equals(id[0])) {
      throw new PickleException("a persistent id that is not ('storage', type, key, location, numel)");
    }
    if (!(id[1] instanceof Pickled.StorageClass type)) {
      String what = id[1] instanceof Pickled.Global global ? global.qualifiedName() : String.valueOf(id[1]);
      throw new PickleException("storage type " + what + " is not one this reader knows (allowed: "
          + "torch.FloatStorage, DoubleStorage, HalfStorage, BFloat16Storage, LongStorage, IntStorage, "
          + "ShortStorage, CharStorage, ByteStorage, BoolStorage)");
    }
    return new Pickled.Storage(type.type(), String.valueOf(id[2]), number(id[4]));
  }
}
