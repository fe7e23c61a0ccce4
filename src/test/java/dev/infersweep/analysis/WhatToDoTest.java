package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The report's "what to do": each remedy only where the sweep's own rows of the causes view show it. */
class WhatToDoTest {
  private static final StructType SCHEMA = new StructType()
      .add("sweep_id", DataTypes.StringType).add("cpu_model", DataTypes.StringType)
      .add("optimizer", DataTypes.StringType).add("learning_rate", DataTypes.DoubleType)
      .add("weight_decay", DataTypes.DoubleType).add("activation_scale", DataTypes.DoubleType)
      .add("precision", DataTypes.StringType).add("batch_size", DataTypes.IntegerType)
      .add("intra_op_threads", DataTypes.IntegerType)
      .add("epochs", DataTypes.IntegerType).add("beyond_band_runs", DataTypes.LongType)
      .add("latency_ratio", DataTypes.DoubleType).add("subnormal_zeroed_ratio", DataTypes.DoubleType)
      .add("flushed_latency_ratio", DataTypes.DoubleType);

  private static Row row(String optimizer, double wd, int batch, long beyond, double ratio, Double zeroed, Double flushed) {
    return new GenericRowWithSchema(
        new Object[] {"s", "cpu", optimizer, 3e-4, wd, 1.0, "fp32", batch, 1, 1000, beyond, ratio, zeroed, flushed}, SCHEMA);
  }

  @Test
  void eachRemedyOnlyWhereTheRowsShowIt() {
    List<String> advice = Remedies.whatToDo(List.of(
        // Adam with L2 decay slowed 60.5×: flushing restores it, zeroing takes it to 13.7×; AdamW did not slow.
        row("adam", 1e-2, 256, 3, 60.5, 60.5 / 13.7, 1.01),
        row("adamw", 1e-2, 256, 0, 1.00, 1.0, 1.0),
        // SGD: zeroing alone restores it.
        row("sgd", 1e-2, 256, 3, 9.4, 9.3, 1.0)));
    assertThat(advice).hasSize(3);
    assertThat(advice.get(0)).startsWith("Flush denormals in the serving process").contains("In 2 of the 2 slowed configurations")
        .contains("up to 60.5×");
    assertThat(advice.get(1)).startsWith("Zero tiny weights at export").contains("In 1 of the 2").contains("up to 9.40×")
        .contains("`jobs/sweep repair --model MODEL.pt --input-shape SHAPE --out MODEL.repaired.pt`");
    assertThat(advice.get(2)).startsWith("Train with AdamW").contains("in 1 configuration(s) where Adam slowed (up to 60.5×)");
  }

  @Test
  void aRemedyThatLeavesTheModelFasterThanAtEpochZeroRestoresIt() {
    // A conv net 14.8× slower: flushed 0.86× and zeroed 0.83× of epoch 0 (conf/cases/torchscript-cnn.yaml).
    List<String> advice = Remedies.whatToDo(List.of(row("sgd", 5.0, 64, 1, 14.8, 14.8 / 0.83, 0.86)));
    assertThat(advice).hasSize(2);
    assertThat(advice.get(0)).startsWith("Flush denormals").contains("In 1 of the 1 slowed configurations");
    assertThat(advice.get(1)).startsWith("Zero tiny weights at export").contains("In 1 of the 1");
    // Not restored: still 1.08× slower with either.
    assertThat(Remedies.whatToDo(List.of(row("sgd", 5.0, 64, 1, 14.8, 14.8 / 1.08, 1.08)))).isEmpty();
  }

  @Test
  void theRepairCommandNamesTheModelFileWhereTheRowCarriesIt() {
    StructType schema = SCHEMA.add("model_path", DataTypes.StringType);
    Row r = new GenericRowWithSchema(
        new Object[] {"s", "cpu", "adam", 3e-4, 1e-2, 1.0, "fp32", 64, 1, 1000, 3L, 9.4, 9.3, null, "/m/step_20000.pt"}, schema);
    List<String> advice = Remedies.whatToDo(List.of(r));
    assertThat(advice).hasSize(1);
    assertThat(advice.get(0)).contains(
        "`jobs/sweep repair --model /m/step_20000.pt --input-shape SHAPE --out /m/step_20000.repaired.pt`");
  }

  @Test
  void nothingIsAdvisedThatTheRowsDoNotShow() {
    // Flushing unavailable, zeroing leaves most of it, and no AdamW rows.
    assertThat(Remedies.whatToDo(List.of(row("adam", 1e-2, 256, 3, 5.2, 2.2, null)))).isEmpty();
    // Nothing slowed.
    assertThat(Remedies.whatToDo(List.of(row("adam", 1e-2, 256, 0, 1.0, 1.0, 1.0)))).isEmpty();
  }
}
