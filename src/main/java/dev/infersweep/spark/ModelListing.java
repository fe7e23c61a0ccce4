package dev.infersweep.spark;

import dev.infersweep.error.ConfigException;
import dev.infersweep.net.InputSpec;
import dev.infersweep.net.ModelSource;
import dev.infersweep.net.ReadModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The driver's listing of a read source ({@code model.checkpoints} or {@code model.files}): each
 * glob or path over any Hadoop file system, {@code **} matching any number of folders. It keeps only
 * paths, lengths and times, never contents, so a listing of thousands of files costs the driver a
 * few hundred bytes each; the one file it opens is checked by {@code SourceCheck}. Every problem is
 * one line naming the grid file and the key.
 */
final class ModelListing {
  /** The last run of digits in a file's name: a series checkpoint's step. */
  private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

  private ModelListing() {}

  /** The files of {@code source}, in run order: a series by step, a registry by path. */
  static List<ReadModel> list(String file, ModelSource source, Configuration hadoop) {
    Map<String, FileStatus> found = new LinkedHashMap<>();
    Map<String, List<InputSpec>> shapes = new LinkedHashMap<>();
    // A file matched by an entry with its own input_shape takes that shape over the source's default.
    Map<String, Boolean> own = new LinkedHashMap<>();
    for (int i = 0; i < source.patterns().size(); i++) {
      ModelSource.Pattern p = source.patterns().get(i);
      String key = "model." + source.kind().key() + "[" + i + "]";
      boolean specific = p.inputShape() != null;
      for (FileStatus status : matches(file, key, p.glob(), hadoop)) {
        String path = status.getPath().toString();
        List<InputSpec> shape = source.inputsOf(p);
        List<InputSpec> earlier = shapes.get(path);
        if (earlier != null && specific && own.get(path) && !earlier.equals(shape)) {
          throw new ConfigException(file + ": " + key + ": " + path + " is matched again with input_shape "
              + java.util.Arrays.toString(shape.get(0).shape()) + " after " + java.util.Arrays.toString(earlier.get(0).shape())
              + "; give each file one shape");
        }
        if (earlier == null || (specific && !own.get(path))) {
          shapes.put(path, shape);
          own.put(path, specific);
        }
        found.putIfAbsent(path, status);
      }
    }
    return source.kind() == ModelSource.Kind.SERIES
        ? series(file, source, found, shapes, hadoop)
        : found.values().stream().sorted(Comparator.comparing(s -> s.getPath().toString()))
            .map(s -> new ReadModel(ModelSource.Kind.REGISTRY, s.getPath().toString(), shapes.get(s.getPath().toString()),
                null, null, s.getLen(), s.getModificationTime()))
            .toList();
  }

  private static List<ReadModel> series(
      String file, ModelSource source, Map<String, FileStatus> found, Map<String, List<InputSpec>> shapes, Configuration hadoop) {
    Map<Long, FileStatus> bySteps = new java.util.TreeMap<>();
    for (FileStatus status : found.values()) {
      String name = status.getPath().getName();
      Matcher m = LAST_NUMBER.matcher(name);
      if (!m.find()) {
        throw new ConfigException(file + ": model.checkpoints: " + status.getPath()
            + " has no number in its name; a series is ordered by the last integer of each file name (step_1000.pt)");
      }
      long steps = Long.parseLong(m.group(1));
      FileStatus twin = bySteps.put(steps, status);
      if (twin != null) {
        throw new ConfigException(file + ": model.checkpoints: " + twin.getPath() + " and " + status.getPath()
            + " have the same series number " + steps + "; a series has one checkpoint per number");
      }
    }
    String baseline = source.baseline() != null
        ? baseline(file, source.baseline(), hadoop)
        : bySteps.values().iterator().next().getPath().toString();
    List<ReadModel> out = new ArrayList<>();
    bySteps.forEach((steps, s) -> out.add(new ReadModel(ModelSource.Kind.SERIES, s.getPath().toString(),
        shapes.get(s.getPath().toString()), steps, baseline, s.getLen(), s.getModificationTime())));
    return out;
  }

  private static String baseline(String file, String path, Configuration hadoop) {
    List<FileStatus> matches = matches(file, "model.baseline", path, hadoop);
    if (matches.size() != 1) {
      throw new ConfigException(file + ": model.baseline: " + path + " matches " + matches.size() + " files; name one file");
    }
    return matches.get(0).getPath().toString();
  }

  /** The files {@code glob} matches (folders left out); none is an error naming the key. */
  static List<FileStatus> matches(String file, String key, String glob, Configuration hadoop) {
    List<FileStatus> out = new ArrayList<>();
    try {
      Path pattern = new Path(glob);
      FileSystem fs = pattern.getFileSystem(hadoop);
      if (glob.contains("**")) {
        recursive(fs, glob, out);
      } else {
        FileStatus[] statuses = fs.globStatus(pattern);
        for (FileStatus s : statuses == null ? new FileStatus[0] : statuses) {
          if (s.isFile()) {
            out.add(s);
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(file + ": " + key + ": " + glob + " cannot be listed: " + TrainingTable.firstLine(e), e);
    }
    if (out.isEmpty()) {
      boolean plain = !glob.matches(".*[*?\\[{].*");
      throw new ConfigException(file + ": " + key + ": " + glob + (plain ? " does not exist" : " matches no file"));
    }
    return out;
  }

  /** {@code root/**}{@code /rest}: every file under the folder before the first {@code **} whose path matches. */
  private static void recursive(FileSystem fs, String glob, List<FileStatus> out) throws IOException {
    int star = glob.indexOf("**");
    int slash = glob.lastIndexOf('/', star);
    Path root = fs.makeQualified(new Path(slash < 0 ? "." : glob.substring(0, slash + 1)));
    Pattern whole = Pattern.compile(Pattern.quote(root.toString().replaceAll("/$", "")) + "/" + regex(glob.substring(slash + 1)));
    if (!fs.exists(root)) {
      return;
    }
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
    while (files.hasNext()) {
      LocatedFileStatus s = files.next();
      if (whole.matcher(s.getPath().toString()).matches()) {
        out.add(s);
      }
    }
  }

  /** A glob as a regular expression: {@code **}{@code /} any folders, {@code *} within a name, {@code ?} one character. */
  static String regex(String glob) {
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (glob.startsWith("**/", i)) {
        r.append("(?:.*/)?");
        i += 2;
      } else if (glob.startsWith("**", i)) {
        r.append(".*");
        i += 1;
      } else if (c == '*') {
        r.append("[^/]*");
      } else if (c == '?') {
        r.append("[^/]");
      } else {
        r.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return r.toString();
  }
}
