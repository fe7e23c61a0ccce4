package dev.infersweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The remedies per engine and intra-op thread count, from hand-made rows: the report's "what to do"
 * and the console's remedy say how flushing reaches the threads that run the model, only where the
 * flush twin restored the speed.
 */
class FlushAdviceTest {
  private static final StructType CAUSES = new StructType()
      .add("sweep_id", DataTypes.StringType).add("cpu_model", DataTypes.StringType)
      .add("engine", DataTypes.StringType).add("optimizer", DataTypes.StringType)
      .add("intra_op_threads", DataTypes.IntegerType).add("epochs", DataTypes.IntegerType)
      .add("beyond_band_runs", DataTypes.LongType).add("latency_ratio", DataTypes.DoubleType)
      .add("subnormal_zeroed_ratio", DataTypes.DoubleType).add("flushed_latency_ratio", DataTypes.DoubleType);

  private static Row cause(String engine, Integer threads, double ratio, Double zeroed, Double flushed) {
    return new GenericRowWithSchema(
        new Object[] {"s", "cpu", engine, "sgd", threads, 1000, 3L, ratio, zeroed, flushed}, CAUSES);
  }

  @Test
  void aPyTorchRowAtTwoThreadsRestoredByTheFlushTwinGetsThePoolAdvice() {
    List<String> advice = Remedies.whatToDo(List.of(cause("pytorch", 2, 3.0, 1.0, 1.02)));
    assertThat(advice).hasSize(1);
    assertThat(advice.get(0)).startsWith("Flush denormals in the serving process (PyTorch at 2 intra-op threads)")
        .contains("sets MXCSR on the calling thread only", "OpenMP workers keep the state they were created with",
            "before the intra-op pool starts (before the first parallel op)", "or on every worker", "at::parallel_for")
        .contains("In 1 of the 1 slowed configurations").doesNotContain("session.set_denormal_as_zero");
  }

  @Test
  void aPyTorchRowAtOneThreadFlushesTheCallingThread() {
    List<String> advice = Remedies.whatToDo(List.of(cause(null, 1, 3.0, 1.0, 1.02)));
    assertThat(advice.get(0)).startsWith("Flush denormals in the serving process (PyTorch at 1 intra-op thread)")
        .contains("on the thread that runs the model").doesNotContain("OpenMP");
  }

  @Test
  void anOnnxRuntimeRowGetsTheSessionOption() {
    List<String> advice = Remedies.whatToDo(List.of(cause("onnxruntime", 2, 3.0, 3.0 / 1.01, 1.01)));
    assertThat(advice).hasSize(2);
    assertThat(advice.get(0)).startsWith("Flush denormals in the serving process (ONNX Runtime at 2 intra-op threads)")
        .contains("add_session_config_entry(\"session.set_denormal_as_zero\", \"1\")", "SetGlobalDenormalAsZero",
            "onnxruntime #17011", "PR #5391")
        .doesNotContain("torch.set_flush_denormal");
    // The zeroed copy restored it too; ONNX files are not rewritten by jobs/sweep repair.
    assertThat(advice.get(1)).startsWith("Zero tiny weights at export").contains("initializers").doesNotContain("--model");
  }

  @Test
  void eachEngineAndThreadCountIsAdvisedOnItsOwnRows() {
    List<String> advice = Remedies.whatToDo(List.of(
        cause("pytorch", 1, 2.0, null, 1.0), cause("pytorch", 2, 4.0, null, 1.03), cause("onnxruntime", 1, 1.5, null, 1.3)));
    assertThat(advice).hasSize(2);
    assertThat(advice.get(0)).contains("(PyTorch at 1 intra-op thread)").contains("up to 2.00×");
    assertThat(advice.get(1)).contains("(PyTorch at 2 intra-op threads)").contains("up to 4.00×");
  }

  @Test
  void aFlushTwinThatDidNotRestoreSpeedGivesNoFlushAdvice() {
    assertThat(Remedies.whatToDo(List.of(cause("pytorch", 2, 3.0, null, 1.4)))).isEmpty();
    assertThat(Remedies.whatToDo(List.of(cause("onnxruntime", 2, 3.0, 3.0 / 1.01, 1.4))))
        .singleElement().asString().startsWith("Zero tiny weights").doesNotContain("denormal_as_zero");
  }

  @Test
  void theConsoleRemedyIsWordedForTheEngineAndThreadCount() {
    FlushAdvice.Setting pool = new FlushAdvice.Setting(FlushAdvice.Engine.PYTORCH, 2);
    FlushAdvice.Setting one = new FlushAdvice.Setting(FlushAdvice.Engine.PYTORCH, 1);
    FlushAdvice.Setting ort = new FlushAdvice.Setting(FlushAdvice.Engine.ONNXRUNTIME, 2);
    String zero = "zero subnormal weights at export";
    assertThat(AnswerFindings.remedy("subnormal_arithmetic", 1.01, 2.0, zero, pool, 0.05))
        .isEqualTo("flush-to-zero on every serving thread (torch.set_flush_denormal(True) before the first parallel op, "
            + "or on each OpenMP worker) (then 1.01×)");
    assertThat(AnswerFindings.remedy("subnormal_arithmetic", 1.01, 2.0, zero, one, 0.05))
        .isEqualTo("flush-to-zero on the serving thread (torch.set_flush_denormal(True)) (then 1.01×)");
    assertThat(AnswerFindings.remedy("subnormal_arithmetic", 1.01, 2.0, zero, ort, 0.05))
        .startsWith("flush-to-zero in every session (session.set_denormal_as_zero=1, SetGlobalDenormalAsZero");
    // The flush twin left it 1.3× slower: no flush advice.
    assertThat(AnswerFindings.remedy("subnormal_arithmetic", 1.3, 2.0, zero, pool, 0.05)).startsWith("none shown")
        .doesNotContain("set_flush_denormal");
  }

  @Test
  void theEngineColumnReadsOlderRowsAsPyTorch() {
    assertThat(FlushAdvice.Engine.of(null)).isEqualTo(FlushAdvice.Engine.PYTORCH);
    assertThat(FlushAdvice.Engine.of("onnxruntime")).isEqualTo(FlushAdvice.Engine.ONNXRUNTIME);
  }
}
