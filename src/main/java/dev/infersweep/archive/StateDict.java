package dev.infersweep.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pickled module's parameters and buffers by {@code state_dict()} name, in its order: a module's
 * parameters, then its buffers (each in attribute order), then its submodules' in attribute order,
 * named by dotted attribute paths. Which attribute is which comes from the class's code file
 * ({@code code/__torch__/….py}), where TorchScript declares {@code __parameters__} and
 * {@code __buffers__} per class; the pickle alone does not say.
 */
final class StateDict {
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  /** One state_dict entry. */
  record Named(String name, TensorKind kind, Pickled.Tensor tensor) {}

  /** A class's declarations. */
  private record Declared(List<String> parameters, List<String> buffers) {}

  private final ZipEntries zip;
  private final String prefix;
  private final Map<String, Declared> classes = new HashMap<>();

  private StateDict(ZipEntries zip, String prefix) {
    this.zip = zip;
    this.prefix = prefix;
  }

  /** The entries of {@code root}, an archive's module, whose files are under {@code prefix} ({@code name/}). */
  static List<Named> of(ZipEntries zip, String prefix, Pickled.Module root) throws ArchiveException {
    List<Named> out = new ArrayList<>();
    new StateDict(zip, prefix).walk(root, "", out);
    return out;
  }

  private void walk(Pickled.Module module, String path, List<Named> out) throws ArchiveException {
    Declared declared = declared(module);
    add(module, declared.parameters(), TensorKind.PARAMETER, path, out);
    add(module, declared.buffers(), TensorKind.BUFFER, path, out);
    for (Map.Entry<String, Object> attribute : module.attributes().entrySet()) {
      if (attribute.getValue() instanceof Pickled.Module child) {
        walk(child, path + attribute.getKey() + ".", out);
      }
    }
  }

  private static void add(Pickled.Module module, List<String> declared, TensorKind kind, String path,
      List<Named> out) throws ArchiveException {
    for (Map.Entry<String, Object> attribute : module.attributes().entrySet()) {
      if (!declared.contains(attribute.getKey()) || attribute.getValue() == null) {
        continue; // an optional parameter left None (bias=False) is not in state_dict()
      }
      if (!(attribute.getValue() instanceof Pickled.Tensor tensor)) {
        String what = attribute.getValue() instanceof Pickled.Call call
            ? call.function() : attribute.getValue().getClass().getSimpleName();
        throw new ArchiveException(kind.label() + " " + path + attribute.getKey()
            + " is not a dense tensor this reader understands (" + what + ")");
      }
      out.add(new Named(path + attribute.getKey(), kind, tensor));
    }
  }

  private Declared declared(Pickled.Module module) throws ArchiveException {
    String file = prefix + "code/" + module.module().replace('.', '/') + ".py";
    String key = file + "#" + module.name();
    Declared cached = classes.get(key);
    if (cached != null) {
      return cached;
    }
    ZipEntries.Entry entry = zip.get(file).orElseThrow(() -> new ArchiveException(
        "no code file " + file + " for module class " + module.module() + "." + module.name()));
    Declared declared = parse(new String(zip.read(entry), StandardCharsets.UTF_8), module.name(), file);
    classes.put(key, declared);
    return declared;
  }

  /** The {@code __parameters__} and {@code __buffers__} lists of {@code class name(…):} in a code file. */
  private static Declared parse(String code, String name, String file) throws ArchiveException {
    List<String> parameters = null;
    List<String> buffers = null;
    boolean inClass = false;
    for (String line : code.split("\n")) {
      if (!line.startsWith(" ") && !line.isBlank()) {
        inClass = line.startsWith("class " + name + "(") || line.startsWith("class " + name + ":");
        continue;
      }
      String trimmed = line.trim();
      if (inClass && trimmed.startsWith("__parameters__ = [")) {
        parameters = quoted(trimmed);
      } else if (inClass && trimmed.startsWith("__buffers__ = [")) {
        buffers = quoted(trimmed);
      }
    }
    if (parameters == null || buffers == null) {
      throw new ArchiveException("code file " + file + " declares no __parameters__ and __buffers__ for class " + name);
    }
    return new Declared(parameters, buffers);
  }

  private static List<String> quoted(String line) {
    List<String> names = new ArrayList<>();
    Matcher m = QUOTED.matcher(line);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
