package dev.infersweep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.save_checkpoints} where the checkpoints cannot be written is exit 5 before any run
 * trains, in one line, and no row is written. The folder is made unwritable by a plain file named
 * {@code _checkpoints} where the folder must go: permission bits would not stop a build running as root.
 */
class SavedCheckpointsFolderTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @TempDir Path tmp;

  @Test
  void aCheckpointFolderThatCannotBeWrittenIsExitFiveBeforeAnyRunTrains() throws Exception {
    Path model = Path.of("src/test/resources/torchscript/bn_mlp.pt").toAbsolutePath();
    Path grid = Files.writeString(tmp.resolve("g.yaml"),
        "model: {torchscript: '" + model + "', input_shape: [20], outputs: 2}\ndata: {samples: 16}\n"
            + "train: {optimizer: sgd, learning_rate: 0.05, batch_size: 8, save_checkpoints: true}\n"
            + "grid: {epochs: [0, 1]}\n"
            + "timing: {batch_sizes: [2], warmup_iterations: 2, warmup_max_seconds: 0.02, block_size: 2, min_blocks: 3, max_seconds: 0.1}\n");
    Path results = Files.createDirectories(tmp.resolve("results"));
    Files.writeString(results.resolve("_checkpoints"), "a file where the checkpoint folder must go");

    int code = Main.execute("run", "--grid", grid.toString(), "--out", results.toString());

    String text = console.err().strip();
    assertThat(code).as(text).isEqualTo(Main.IO_ERROR).isEqualTo(5);
    assertThat(text.lines().filter(l -> l.startsWith("infersweep: error: ")))
        .singleElement().asString()
        .contains("train.save_checkpoints: cannot write checkpoints under ")
        .contains(results.resolve("_checkpoints").toString())
        .endsWith("; nothing was trained");
    assertThat(console.out()).doesNotContain("checkpoints: ");
    try (Stream<Path> files = Files.walk(results)) {
      assertThat(files.filter(Files::isRegularFile)).as("only the blocking file; no rows, no checkpoint")
          .containsExactly(results.resolve("_checkpoints"));
    }
  }
}
