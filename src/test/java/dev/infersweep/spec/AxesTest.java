package dev.infersweep.spec;

import dev.infersweep.net.Network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AxesTest {
  private static AxisValues values(Map<Axis<?>, List<?>> overrides) {
    Map<Axis<?>, List<?>> all = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      all.put(axis, axis.defaults() == null ? List.of(0) : axis.defaults());
    }
    all.putAll(overrides);
    return AxisValues.of(all);
  }

  @Test
  void everyAxisIsRunLevelOrCellLevelAndNamedOnce() {
    assertThat(Axes.RUN.size() + Axes.CELL.size()).isEqualTo(Axes.ALL.size());
    assertThat(Axes.ALL.stream().map(Axis::name).distinct()).hasSize(Axes.ALL.size());
    assertThat(Axes.ALL.stream().map(Axis::token).distinct()).hasSize(Axes.ALL.size());
    assertThat(Axes.named("weight_decay")).isSameAs(Axes.WEIGHT_DECAY);
  }

  @Test
  void pointsExpandWithTheFirstAxisOutermost() {
    AxisValues v = values(Map.of(Axes.WEIGHT_DECAY, List.of(0.0, 0.1), Axes.SEED, List.of(1L, 2L, 3L)));
    List<Point> runs = v.points(Axes.RUN);
    assertThat(runs).hasSize(6);
    assertThat(runs.stream().map(p -> p.get(Axes.WEIGHT_DECAY) + "/" + p.get(Axes.SEED)))
        .containsExactly("0.0/1", "0.0/2", "0.0/3", "0.1/1", "0.1/2", "0.1/3");
    assertThat(v.count(Axes.RUN)).isEqualTo(6);
  }

  @Test
  void runIdsKeepTheCanonicalFormOfEarlierReleases() {
    // Sweeps written before the axes were declared in one place must keep their run and row ids,
    // or --resume would re-run them under new ids.
    Point settings = values(Map.of()).points(Axes.RUN).get(0);
    assertThat(RunSpec.canonical(Network.article(10, 50, 2), DataSpec.Synthetic.article(1000, 0), TrainRegime.article(), settings, DeviceKind.CPU))
        .isEqualTo("model=10x50x2;samples=1000;data_seed=0;optimizer=sgd;lr=0.01;wd=0.0;scale=1.0;seed=0;device=cpu");
    Point cell =
        Point.empty()
            .with(Axes.EPOCHS, 10)
            .with(Axes.PRECISION, Precision.FP16)
            .with(Axes.BATCH_SIZE, 64)
            .with(Axes.PROTOCOL, Protocol.SEED)
            .with(Axes.INTRA_OP_THREADS, 1);
    assertThat(cell.canonical(Axes.CELL)).isEqualTo("epochs=10;precision=fp16;batch=64;protocol=seed");
    // An axis added later joins the text only away from its default.
    assertThat(cell.with(Axes.INTRA_OP_THREADS, 2).canonical(Axes.CELL))
        .isEqualTo("epochs=10;precision=fp16;batch=64;protocol=seed;threads=2");
  }

  @Test
  void countsRefuseToOverflow() {
    List<Long> many = java.util.stream.LongStream.range(0, 4096).boxed().toList();
    AxisValues v =
        values(Map.of(Axes.SEED, many, Axes.WEIGHT_DECAY, many.stream().map(Long::doubleValue).toList(),
            Axes.ACTIVATION_SCALE, many.stream().map(x -> x + 1.0).toList(),
            Axes.LEARNING_RATE, many.stream().map(x -> (x + 1) / 1e4).toList(),
            Axes.EPOCHS, many.stream().map(Long::intValue).toList(),
            Axes.BATCH_SIZE, many.stream().map(x -> (int) (x + 1)).toList()));
    assertThatThrownBy(() -> v.count(Axes.ALL)).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void aPointSaysWhichAxisItLacks() {
    assertThatThrownBy(() -> Point.empty().get(Axes.SEED)).hasMessageContaining("'seed' is not set");
  }
}
