package dev.infersweep.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's PyTorch ({@code /usr/bin/python3} with python3-torch, which .ci/run installs) as the
 * tests' referee: the scripts of {@code jobs/reference/} run on files infersweep wrote. Without it a
 * test is skipped with the reason; with the environment variable {@code CI} set it fails instead, so
 * CI can never pass by skipping.
 */
public final class DebianPyTorch {
  public static final String PYTHON = "/usr/bin/python3";

  /** What a script printed (stdout and stderr together) and its exit code. */
  public record Result(int exit, String output) {}

  private DebianPyTorch() {}

  /** Skips the calling test without PyTorch, or fails it under CI. */
  public static void require() throws IOException, InterruptedException {
    boolean present = Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import torch")).exit() == 0;
    if (!present && System.getenv("CI") != null) {
      fail(PYTHON + " -c 'import torch' fails, and CI is set: .ci/run installs python3-torch for this test");
    }
    Assumptions.assumeTrue(present, PYTHON + " with torch (Debian's python3-torch) is not installed: skipped");
  }

  /** Runs {@code jobs/reference/SCRIPT} with {@code args}. */
  public static Result script(String script, String... args) throws IOException, InterruptedException {
    Path path = Path.of("jobs/reference", script).toAbsolutePath();
    assertThat(path).exists();
    List<String> command = new ArrayList<>(List.of(PYTHON, path.toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs a command to its end. */
  public static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // Not a timing bound: a guard so a hung interpreter cannot hang the build.
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish");
    }
    return new Result(process.exitValue(), output);
  }
}
