package dev.infersweep.grid;

import dev.infersweep.spec.Point;
import dev.infersweep.spec.DeviceKind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.spec.RunSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridExpanderTest {
  private static final String YAML =
      """
      grid:
        epochs: [0, 10, 100]
        weight_decay: [0, 5.0e-4]
        activation_scale: [1, 3, 5]
        precision: [fp32, fp16]
        seed: [1, 2]
        protocol: [rigorous, seed]
      timing: {batch_sizes: [1, 4, 16]}
      """;

  @Test
  void expandsOneRunPerRunLevelCombination() {
    GridConfig config = GridLoader.parse("g.yaml", "g", YAML);
    List<RunSpec> runs = GridExpander.expand(config, "s1", "2026-01-02", 1, DeviceKind.CPU);
    assertThat(runs).hasSize(2 * 3 * 2);
    assertThat(config.runCount()).isEqualTo(runs.size());
    assertThat(runs.stream().mapToInt(RunSpec::expectedRows).sum())
        .isEqualTo(3 * 2 * 3 * 2 * 2 * 3 * 2)
        .isEqualTo((int) config.rowCount());
    assertThat(runs).allSatisfy(r -> assertThat(r.lastEpoch()).isEqualTo(100));
    assertThat(runs.stream().map(RunSpec::runIndex)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
  }

  /** timing.threads joins row ids only away from its default: rows of earlier sweeps keep their ids. */
  @Test
  void rowsAtOneIntraOpThreadKeepTheirIds() {
    String plain = "grid: {epochs: [0, 5]}\n";
    RunSpec before = GridExpander.expand(GridLoader.parse("g.yaml", "g", plain), "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    RunSpec after = GridExpander.expand(
        GridLoader.parse("g.yaml", "g", plain + "timing: {threads: [1, 2]}\n"), "s", "2026-01-01", 2, DeviceKind.CPU).get(0);
    assertThat(after.runId()).isEqualTo(before.runId());
    assertThat(after.rowIds()).hasSize(4).containsAll(before.rowIds());
    assertThat(after.cells().stream().map(c -> c.get(dev.infersweep.spec.Axes.INTRA_OP_THREADS))).containsExactly(1, 2, 1, 2);
  }

  @Test
  void rowIdsAreUniqueAndDeterministic() {
    GridConfig config = GridLoader.parse("g.yaml", "g", YAML);
    List<RunSpec> first = GridExpander.expand(config, "s1", "2026-01-02", 1, DeviceKind.CPU);
    List<RunSpec> again = GridExpander.expand(config, "s2", "2026-01-03", 1, DeviceKind.CPU);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < first.size(); i++) {
      RunSpec run = first.get(i);
      assertThat(run.runId()).isEqualTo(again.get(i).runId());
      for (Point cell : run.cells()) {
        assertThat(ids.add(run.rowId(cell))).isTrue();
        assertThat(run.rowId(cell)).isEqualTo(again.get(i).rowId(cell));
      }
    }
    assertThat(ids).hasSize((int) config.rowCount());
    assertThat(first.stream().flatMap(r -> r.rowIds().stream()).toList()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void runIdsDependOnTheTrainingConfiguration() {
    GridConfig a = GridLoader.parse("g.yaml", "g", "grid: {epochs: [1]}\ntrain: {learning_rate: 0.01}");
    GridConfig b = GridLoader.parse("g.yaml", "g", "grid: {epochs: [1]}\ntrain: {learning_rate: 0.02}");
    assertThat(GridExpander.expand(a, "s", "2026-01-01", 1, DeviceKind.CPU).get(0).runId())
        .isNotEqualTo(GridExpander.expand(b, "s", "2026-01-01", 1, DeviceKind.CPU).get(0).runId());
  }

  @Test
  void checkpointsAreSortedWhateverTheFileOrder() {
    GridConfig config = GridLoader.parse("g.yaml", "g", "grid: {epochs: [100, 0, 10]}");
    RunSpec run = GridExpander.expand(config, "s", "2026-01-01", 1, DeviceKind.CPU).get(0);
    assertThat(run.checkpoints()).containsExactly(0, 10, 100);
  }
}
