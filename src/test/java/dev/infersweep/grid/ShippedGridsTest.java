package dev.infersweep.grid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.infersweep.net.ModelSource;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.spec.DeviceKind;
import dev.infersweep.spec.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every shipped grid still loads, with the rows it always gave (the counts its comments and the docs
 * state), and the article's grids keep the run ids of the sweeps written before networks were
 * declared, so --resume and compare find them.
 */
class ShippedGridsTest {
  private static Path conf(String name) {
    return Path.of(System.getProperty("infersweep.project.dir", "."), "conf", name);
  }

  @Test
  void theShippedGridsGiveTheirDocumentedRows() {
    Map<String, Long> rows =
        Map.ofEntries(
            Map.entry("seed.yaml", 144L),
            Map.entry("smoke.yaml", 768L),
            Map.entry("subnormal.yaml", 80L),
            Map.entry("explain.yaml", 288L),
            Map.entry("nightly.yaml", 432L),
            Map.entry("cases/pytorch-58220.yaml", 48L),
            Map.entry("cases/pytorch-58220-classifier.yaml", 32L),
            Map.entry("cases/torchscript-cnn.yaml", 16L),
            Map.entry("cases/torchscript-mlp.yaml", 24L),
            Map.entry("cases/threads.yaml", 16L),
            Map.entry("cases/resnet18-sgd.yaml", 12L),
            Map.entry("cases/transformer-adam-adamw.yaml", 24L),
            Map.entry("cases/lstm-adam.yaml", 12L),
            Map.entry("cases/recommender-adam.yaml", 40L),
            Map.entry("cases/recommender-table.yaml", 24L));
    rows.forEach((file, count) -> assertThat(GridLoader.load(conf(file)).rowCount()).as(file).isEqualTo(count));
  }

  @Test
  void theShippedReadSourcesDeclareWhatTheirHeadersSay() {
    // Their files are made by jobs/reference scripts, so only the declaration is checked here: the
    // listing needs the files (ReadSourceTest lists real ones).
    ModelSource series = (ModelSource) GridLoader.load(conf("cases/pytorch-58220-checkpoints.yaml")).model();
    assertThat(series.kind()).isEqualTo(ModelSource.Kind.SERIES);
    assertThat(series.inputShape()).containsExactly(20);
    ModelSource registry = (ModelSource) GridLoader.load(conf("cases/registry-scan.yaml")).model();
    assertThat(registry.kind()).isEqualTo(ModelSource.Kind.REGISTRY);
    assertThat(registry.patterns()).hasSize(5);
    assertThat(registry.inputsOf(registry.patterns().get(2)).get(0).shape()).containsExactly(3, 32, 32);
    assertThat(GridLoader.load(conf("cases/registry-scan.yaml")).axes().get(dev.infersweep.spec.Axes.BATCH_SIZE))
        .containsExactly(1, 64);
  }

  @Test
  void theRecommenderTableCaseDeclaresItsGeneratedTable() {
    // The table is made by jobs/reference/make_recommender_table.py and is absent from a clean clone;
    // loading a grid reads only the declaration (the driver reads the table), so it is checked here.
    GridConfig grid = GridLoader.load(conf("cases/recommender-table.yaml"));
    DataSpec.Table table = (DataSpec.Table) grid.data();
    assertThat(table.path()).isEqualTo("/tmp/infersweep-rectable/train.parquet");
    assertThat(table.features()).containsExactly("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7");
    assertThat(table.label()).isEqualTo("y");
  }

  @Test
  void theArticlesGridsKeepTheirRunIds() {
    // SHA-256 of the canonical text the release before networks were declared (4da1ce8) hashed for
    // conf/seed.yaml's first and last run ("model=10x50x2;samples=1000;data_seed=0;optimizer=sgd;lr=0.01;
    // wd=0.0;scale=1.0;seed=1;device=cpu", and wd=5.0E-4;scale=3.0;seed=3).
    List<RunSpec> runs = GridExpander.expand(GridLoader.load(conf("seed.yaml")), "s", "2026-01-01", 1, DeviceKind.CPU);
    assertThat(runs.get(0).runId()).isEqualTo(SEED_FIRST_RUN_ID);
    assertThat(runs.get(runs.size() - 1).runId()).isEqualTo(SEED_LAST_RUN_ID);
  }

  private static final String SEED_FIRST_RUN_ID = "5ade065fa802f700";
  private static final String SEED_LAST_RUN_ID = "3ec164a88c33be8e";

  @Test
  void theCaseOfPyTorch58220IsTheNetworkItsReportTrains() {
    GridConfig grid = GridLoader.load(conf("cases/pytorch-58220.yaml"));
    assertThat(grid.model().describe()).isEqualTo("20→256 relu→1, mse");
    assertThat(grid.data().fresh()).isTrue();
    assertThat(grid.regime().batch(grid.data())).isEqualTo(256);
    // Fresh data: one step per epoch, so the steps of the grid are its epochs.
    assertThat(grid.axes().get(dev.infersweep.spec.Axes.EPOCHS)).containsExactly(0, 1000, 5000, 20000);
  }

  @Test
  void theClassifierCaseIsIssue21sNetwork() {
    GridConfig grid = GridLoader.load(conf("cases/pytorch-58220-classifier.yaml"));
    assertThat(grid.model().describe()).isEqualTo("20→256 relu→2, cross_entropy");
    assertThat(grid.axes().get(dev.infersweep.spec.Axes.EPOCHS)).containsExactly(0, 1000, 5000, 20000);
  }
}
