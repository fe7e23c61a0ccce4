package dev.infersweep.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infersweep.archive.StoredTensor;
import dev.infersweep.archive.TorchArchive;
import dev.infersweep.grid.GridConfig;
import dev.infersweep.grid.GridExpander;
import dev.infersweep.grid.GridLoader;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.reference.DebianPyTorch;
import dev.infersweep.result.ResultRow;
import dev.infersweep.result.ResultSchema;
import dev.infersweep.result.RowStatus;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.Precision;
import dev.infersweep.spec.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.save_checkpoints}: a TorchScript run with BatchNorm writes each checkpoint's whole
 * state as a TorchScript file that PyTorch loads, with the trained buffers ({@code
 * num_batches_tracked} counts the steps), and its rows name it in {@code checkpoint_path}. Checked
 * with Debian's PyTorch (jobs/reference/account.py); skipped without it, failed when CI is set.
 */
class SavedCheckpointsTest {
  @TempDir Path tmp;

  @Test
  void savedCheckpointsLoadInPyTorchWithTheTrainedBuffers() throws Exception {
    GridConfig config = GridLoader.parse("t.yaml", "t",
        "model: {torchscript: bn.pt, input_shape: [20], outputs: 2}\ndata: {samples: 32}\n"
            + "train: {optimizer: sgd, learning_rate: 0.05, batch_size: 16, save_checkpoints: true}\ngrid: {epochs: [0, 3]}\n"
            + "timing: {batch_sizes: [4], warmup_iterations: 5, warmup_max_seconds: 0.02, block_size: 4, min_blocks: 4, max_seconds: 0.2}\n");
    assertThat(config.saveCheckpoints()).isTrue();
    byte[] bytes = Files.readAllBytes(Path.of("src/test/resources/torchscript/bn_mlp.pt"));
    config = config.withModel(ScriptedCheck.checked("t.yaml", (ScriptedModel) config.model(), bytes, List.of(Precision.FP32)));
    RunSpec spec = GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    CheckpointStore store = CheckpointStore.of(ModelFiles.of(new Configuration()), tmp.toString(), "s");
    List<ResultRow> rows = RunTask.execute(spec, new Executor("1", "4.2.0"), new Shipped(null, store.files(), store));
    List<Path> saved = new ArrayList<>();
    for (ResultRow r : rows) {
      assertThat(r.status()).as("%s", r.outcome().errorTrace()).isEqualTo(RowStatus.OK);
      Row row = ResultSchema.toRow(r);
      String path = row.getAs("checkpoint_path");
      assertThat(path).startsWith(tmp + "/_checkpoints/s/" + spec.runId() + "/step_").endsWith(".pt");
      saved.add(Path.of(path));
    }
    // Two checkpoints of 32 samples at batch 16: steps 0 and 6.
    assertThat(saved).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("step_0.pt", "step_6.pt");
    JsonNode pytorch = account(saved);
    for (Path file : saved) {
      List<StoredTensor> read = TorchArchive.read(Files.readAllBytes(file)).tensors();
      JsonNode tensors = pytorch.get(file.toString());
      assertThat(tensors).as("PyTorch loaded %s", file).hasSize(read.size());
      for (int i = 0; i < read.size(); i++) {
        assertThat(tensors.get(i).get("name").asText()).isEqualTo(read.get(i).name());
        assertThat(tensors.get(i).get("kind").asText()).isEqualTo(read.get(i).kind().label());
        assertThat(tensors.get(i).get("subnormals").asLong()).isEqualTo(read.get(i).subnormals());
      }
      long tracked = find(tensors, "bn.num_batches_tracked").get("max_abs").asLong();
      // The file says 7; training adds one per step in train mode.
      assertThat(tracked).isEqualTo(file.getFileName().toString().equals("step_6.pt") ? 13 : 7);
    }
  }

  private static JsonNode find(JsonNode tensors, String name) {
    for (JsonNode t : tensors) {
      if (t.get("name").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError(name + " not in " + tensors);
  }

  private static JsonNode account(List<Path> files) throws Exception {
    DebianPyTorch.require();
    DebianPyTorch.Result result = DebianPyTorch.script("account.py", files.stream().map(Path::toString).toArray(String[]::new));
    assertThat(result.exit()).as(result.output()).isZero();
    // The JSON is the last line: anything PyTorch warns comes before it.
    List<String> lines = result.output().strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }
}
