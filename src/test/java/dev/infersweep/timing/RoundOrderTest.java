package dev.infersweep.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundOrderTest {
  @Test
  void everyModelRunsInEveryPositionOncePerGroup() {
    int models = 5;
    RoundOrder order = new RoundOrder(models, 7);
    for (int group = 0; group < 20; group++) {
      int[][] counts = new int[models][models];
      for (int r = 0; r < models; r++) {
        int[] round = order.next();
        assertThat(round).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        for (int position = 0; position < models; position++) {
          counts[round[position]][position]++;
        }
      }
      for (int[] model : counts) {
        assertThat(model).containsOnly(1);
      }
    }
  }

  @Test
  void ordersAreRandomNotARotation() {
    RoundOrder order = new RoundOrder(3, 11);
    Set<String> firstRounds = new HashSet<>();
    for (int group = 0; group < 30; group++) {
      firstRounds.add(java.util.Arrays.toString(order.next()));
      order.next();
      order.next();
    }
    // All 3! = 6 orders turn up as a group's first round; a fixed rotation would give one.
    assertThat(firstRounds).hasSize(6);
  }

  @Test
  void sameSeedSameOrder() {
    RoundOrder a = new RoundOrder(4, 3);
    RoundOrder b = new RoundOrder(4, 3);
    for (int i = 0; i < 12; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }
}
