package dev.infersweep.result;

import dev.infersweep.net.Network;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DataSpec;
import dev.infersweep.stats.LatencyStats;
import dev.infersweep.stats.PairedRatio;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The results table: every column once, with its Spark type and how it is read off a
 * {@link ResultRow}. {@code sweep_date} and {@code sweep_id} become the Parquet partition folders.
 */
public final class ResultSchema {
  /** A column: its name in Parquet, its type, and its value for a row (null allowed). */
  public record Column(String name, DataType type, Function<ResultRow, Object> value) {}

  public static final String SWEEP_DATE = "sweep_date";
  public static final String SWEEP_ID = "sweep_id";

  public static final List<Column> COLUMNS = columns();

  public static final StructType SCHEMA =
      new StructType(
          COLUMNS.stream()
              .map(c -> new StructField(c.name(), c.type(), true, Metadata.empty()))
              .toArray(StructField[]::new));

  private ResultSchema() {}

  public static Row toRow(ResultRow row) {
    Object[] values = new Object[COLUMNS.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = COLUMNS.get(i).value().apply(row);
    }
    // With its schema, so that the driver reads columns by name.
    return new GenericRowWithSchema(values, SCHEMA);
  }

  public static List<String> names() {
    return COLUMNS.stream().map(Column::name).toList();
  }

  private static Object measured(ResultRow r, Function<Measurement, Object> field) {
    return r.measurement() == null ? null : field.apply(r.measurement());
  }

  /** A field of the row's controls; null when the row has none (not ok, or protocol seed). */
  private static Object controls(ResultRow r, Function<Controls, Object> field) {
    Controls controls = r.measurement() == null ? null : r.measurement().controls();
    return controls == null ? null : field.apply(controls);
  }

  private static Object control(
      ResultRow r, Function<Controls, PairedRatio> which, Function<PairedRatio, Object> field) {
    return controls(r, c -> {
      PairedRatio ratio = which.apply(c);
      return ratio == null ? null : field.apply(ratio);
    });
  }

  /** A control ratio and its interval, as three columns named {@code name}, {@code name_ci_low/high}. */
  private static void controlColumns(List<Column> c, String name, Function<Controls, PairedRatio> which) {
    DataType d = DataTypes.DoubleType;
    c.add(new Column(name, d, r -> control(r, which, PairedRatio::ratio)));
    c.add(new Column(name + "_ci_low", d, r -> control(r, which, PairedRatio::ciLow)));
    c.add(new Column(name + "_ci_high", d, r -> control(r, which, PairedRatio::ciHigh)));
  }

  /** A share of the slowdown and its interval, as three columns; null where the row has none. */
  private static void shareColumns(List<Column> c, String name, Function<Shares, Shares.Share> which) {
    DataType d = DataTypes.DoubleType;
    c.add(new Column(name, d, r -> share(r, which, Shares.Share::estimate)));
    c.add(new Column(name + "_ci_low", d, r -> share(r, which, Shares.Share::ciLow)));
    c.add(new Column(name + "_ci_high", d, r -> share(r, which, Shares.Share::ciHigh)));
  }

  private static Object share(ResultRow r, Function<Shares, Shares.Share> which, Function<Shares.Share, Object> field) {
    Shares shares = r.measurement() == null ? null : r.measurement().shares();
    Shares.Share share = shares == null ? null : which.apply(shares);
    return share == null ? null : field.apply(share);
  }

  private static Object arithmetic(ResultRow r, Function<Arithmetic, Object> field) {
    return r.measurement() == null || r.measurement().arithmetic() == null
        ? null
        : field.apply(r.measurement().arithmetic());
  }

  private static Object diagnostic(ResultRow r, Function<Diagnostics, Object> field) {
    return r.diagnostics() == null ? null : field.apply(r.diagnostics());
  }

  /** The row's declared network; null for a TorchScript model (its layer columns are then null). */
  private static Network declared(ResultRow r) {
    return r.run().model() instanceof Network n ? n : null;
  }

  private static Object latency(ResultRow r, Function<LatencyStats, Object> field) {
    return r.measurement() == null || r.measurement().latency() == null
        ? null
        : field.apply(r.measurement().latency());
  }

  /** Every column, in table order: the groups below, one after the other. */
  private static List<Column> columns() {
    List<Column> c = new ArrayList<>();
    identity(c);
    configuration(c);
    trainingState(c);
    latency(c);
    controls(c);
    timedCall(c);
    modelState(c);
    environment(c);
    outcome(c);
    return List.copyOf(c);
  }

  /** Which sweep, grid, run and row. */
  private static void identity(List<Column> c) {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    c.add(new Column(SWEEP_ID, s, r -> r.run().sweepId()));
    c.add(new Column(SWEEP_DATE, s, r -> r.run().sweepDate()));
    c.add(new Column("grid_name", s, r -> r.run().gridName()));
    c.add(new Column("run_id", s, r -> r.run().runId()));
    c.add(new Column("row_id", s, ResultRow::rowId));
    c.add(new Column("run_index", i, r -> r.run().runIndex()));
  }

  /** The run's and the cell's configuration: axes, network, data, regime, device. */
  private static void configuration(List<Column> c) {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    DataType l = DataTypes.LongType;
    DataType d = DataTypes.DoubleType;
    c.add(new Column("epochs", i, r -> r.value(Axes.EPOCHS)));
    c.add(new Column("steps", l, r -> (long) r.value(Axes.EPOCHS) * r.run().stepsPerEpoch()));
    c.add(new Column("weight_decay", d, r -> r.value(Axes.WEIGHT_DECAY)));
    c.add(new Column("activation_scale", d, r -> r.value(Axes.ACTIVATION_SCALE)));
    c.add(new Column("precision", s, r -> r.value(Axes.PRECISION).label()));
    c.add(new Column("seed", l, r -> r.value(Axes.SEED)));
    c.add(new Column("optimizer", s, r -> r.value(Axes.OPTIMIZER).label()));
    c.add(new Column("learning_rate", d, r -> r.value(Axes.LEARNING_RATE)));
    c.add(new Column("input_size", i, r -> r.run().model().input()));
    c.add(new Column("hidden_size", i, r -> declared(r) == null || declared(r).depth() < 2 ? null : declared(r).layers().get(0).units()));
    c.add(new Column("output_size", i, r -> r.run().model().outputs()));
    c.add(new Column("network", s, r -> r.run().model().describe()));
    c.add(new Column("depth", i, r -> declared(r) == null ? null : declared(r).depth()));
    c.add(new Column("loss", s, r -> r.run().model().loss().label()));
    c.add(new Column("torchscript_sha256", s, r -> r.run().model() instanceof ScriptedModel m ? m.sha256() : null));
    c.add(new Column("train_samples", i, r -> r.run().data().samples()));
    c.add(new Column("data_seed", l, r -> r.run().data() instanceof DataSpec.Synthetic syn ? syn.seed() : null));
    c.add(new Column("data_kind", s, r -> r.run().data() instanceof DataSpec.Synthetic syn ? syn.distribution().label() : "table"));
    c.add(new Column("data_fresh", DataTypes.BooleanType, r -> r.run().data().fresh()));
    c.add(new Column("data_table", s, r -> r.run().data() instanceof DataSpec.Table t ? t.path() : null));
    c.add(new Column("train_batch_size", i, r -> r.run().regime().batch(r.run().data())));
    c.add(new Column("momentum", d, r -> r.run().regime().momentum()));
    c.add(new Column("batch_size", i, r -> r.value(Axes.BATCH_SIZE)));
    c.add(new Column("protocol", s, r -> r.value(Axes.PROTOCOL).label()));
    c.add(new Column("intra_op_threads", i, r -> r.value(Axes.INTRA_OP_THREADS)));
    c.add(new Column("device", s, r -> r.environment() == null ? r.run().device().label() : r.environment().device()));
    c.add(new Column("flops_per_call", l, r -> declared(r) == null ? null : declared(r).flopsPerSample() * r.value(Axes.BATCH_SIZE)));
  }

  /** Training state at the checkpoint. */
  private static void trainingState(List<Column> c) {
    DataType d = DataTypes.DoubleType;
    c.add(new Column("train_loss", d, r -> r.training() == null ? null : r.training().trainLoss()));
    c.add(new Column("train_accuracy", d, r -> r.training() == null ? null : r.training().trainAccuracy()));
    c.add(new Column("train_seconds", d, r -> r.training() == null ? null : r.training().trainSeconds()));
    c.add(new Column("train_step_us", d, r -> r.training() == null ? null : r.training().trainStepMicros()));
  }

  /** The timed model's latency, its ratio to epoch 0 and how it was measured. */
  private static void latency(List<Column> c) {
    DataType i = DataTypes.IntegerType;
    DataType d = DataTypes.DoubleType;
    c.add(new Column("latency_p50_ns", d, r -> latency(r, stats -> stats.p50Nanos())));
    c.add(new Column("latency_p90_ns", d, r -> latency(r, stats -> stats.p90Nanos())));
    c.add(new Column("latency_p99_ns", d, r -> latency(r, stats -> stats.p99Nanos())));
    c.add(new Column("latency_mean_ns", d, r -> latency(r, stats -> stats.meanNanos())));
    c.add(new Column("latency_std_ns", d, r -> latency(r, stats -> stats.stdNanos())));
    c.add(new Column("iterations", i, r -> latency(r, stats -> stats.count())));
    c.add(new Column("baseline_p50_ns", d, r -> measured(r, Measurement::baselineP50Nanos)));
    c.add(new Column("latency_ratio", d, r -> measured(r, Measurement::latencyRatio)));
    c.add(new Column("latency_ratio_ci_low", d, r -> measured(r, Measurement::ratioCiLow)));
    c.add(new Column("latency_ratio_ci_high", d, r -> measured(r, Measurement::ratioCiHigh)));
    c.add(new Column("latency_ratio_log_se", d, r -> measured(r, Measurement::ratioLogSe)));
    c.add(new Column("latency_ratio_df", d, r -> measured(r, Measurement::ratioDf)));
    c.add(new Column("ci_reached", DataTypes.BooleanType, r -> measured(r, Measurement::ciReached)));
    c.add(new Column("blocks", i, r -> measured(r, Measurement::blocks)));
    c.add(new Column("warmup_seconds", d, r -> measured(r, Measurement::warmupSeconds)));
    c.add(new Column("measure_seconds", d, r -> measured(r, Measurement::measureSeconds)));
    c.add(new Column("gc_pauses", i, r -> measured(r, Measurement::gcPauses)));
    c.add(new Column("concurrent_tasks", i, r -> measured(r, Measurement::concurrentTasks)));
  }

  /** Control models, the cause they point to and the shares of the slowdown. */
  private static void controls(List<Column> c) {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    controlColumns(c, "subnormal_zeroed_ratio", Controls::zeroed);
    controlColumns(c, "rescaled_latency_ratio", Controls::rescaled);
    controlColumns(c, "aa_ratio", Controls::aa);
    controlColumns(c, "aa_latency_ratio", Controls::aaLatency);
    c.add(new Column("rescale_fc1_exponent", i, r -> declared(r) == null || declared(r).depth() != 2 ? null : controls(r, k -> k.exponent(0))));
    c.add(new Column("rescale_fc2_exponent", i, r -> declared(r) == null || declared(r).depth() != 2 ? null : controls(r, k -> k.exponent(1))));
    c.add(new Column("rescale_complete", DataTypes.BooleanType, r -> controls(r, Controls::rescaleComplete)));
    c.add(new Column("rescale_note", s, r -> controls(r, Controls::rescaleNote)));
    c.add(new Column("cause", s, r -> measured(r, m -> m.cause() == null ? null : m.cause().label())));
    controlColumns(c, "flushed_latency_ratio", Controls::flushed);
    controlColumns(c, "flushed_vs_trained", Controls::flushedVsTrained);
    c.add(new Column("flush_unavailable", s, r -> controls(r, Controls::flushUnavailable)));
    shareColumns(c, "explained_by_subnormal_weights", Shares::weights);
    shareColumns(c, "explained_by_subnormal_arithmetic", Shares::arithmetic);
    shareColumns(c, "explained_by_placement", Shares::placement);
    shareColumns(c, "unexplained_share", Shares::unexplained);
  }

  /** Subnormal values in one call on the timed input, per layer; the threads and the calibration. */
  private static void timedCall(List<Column> c) {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    DataType l = DataTypes.LongType;
    DataType d = DataTypes.DoubleType;
    c.add(new Column("timed_fc1_product_subnormal_fraction", d, r -> arithmetic(r, Arithmetic::fc1ProductSubnormalFraction)));
    c.add(new Column("timed_fc1_preactivation_subnormal_fraction", d, r -> arithmetic(r, Arithmetic::fc1PreactivationSubnormalFraction)));
    c.add(new Column("timed_hidden_subnormal_fraction", d, r -> arithmetic(r, Arithmetic::hiddenSubnormalFraction)));
    c.add(new Column("timed_fc2_product_subnormal_fraction", d, r -> arithmetic(r, Arithmetic::fc2ProductSubnormalFraction)));
    c.add(new Column("timed_output_subnormal_fraction", d, r -> arithmetic(r, Arithmetic::outputSubnormalFraction)));
    c.add(new Column("timed_product_subnormal_fraction", d, r -> measured(r, Measurement::productSubnormalFraction)));
    c.add(new Column("trace_unavailable", s, r -> controls(r, k -> r.run().model().traceUnavailableReason())));
    c.add(new Column("layers", LayerColumn.TYPE, LayerColumn::value));
    c.add(new Column("threads", i, r -> r.environment() == null ? null : r.environment().threads()));
    c.add(new Column("calibration_ns_start", l, ResultRow::calibrationStartNanos));
    c.add(new Column("calibration_ns_end", l, ResultRow::calibrationEndNanos));
  }

  /** Model state in the row's precision. */
  private static void modelState(List<Column> c) {
    DataType d = DataTypes.DoubleType;
    c.add(new Column("weight_l2", d, r -> diagnostic(r, Diagnostics::weightL2)));
    c.add(new Column("weight_max_abs", d, r -> diagnostic(r, Diagnostics::weightMaxAbs)));
    c.add(new Column("weight_zero_fraction", d, r -> diagnostic(r, Diagnostics::weightZeroFraction)));
    c.add(new Column("weight_subnormal_fraction", d, r -> diagnostic(r, Diagnostics::weightSubnormalFraction)));
    c.add(new Column("activation_mean_abs", d, r -> diagnostic(r, Diagnostics::activationMeanAbs)));
    c.add(new Column("activation_max_abs", d, r -> diagnostic(r, Diagnostics::activationMaxAbs)));
    c.add(new Column("dead_unit_fraction", d, r -> diagnostic(r, Diagnostics::deadUnitFraction)));
    c.add(new Column("activation_subnormal_fraction", d, r -> diagnostic(r, Diagnostics::activationSubnormalFraction)));
    c.add(new Column("output_finite", DataTypes.BooleanType, r -> diagnostic(r, Diagnostics::outputFinite)));
  }

  /** Where and with what it ran. */
  private static void environment(List<Column> c) {
    DataType s = DataTypes.StringType;
    c.add(new Column("host", s, r -> r.environment() == null ? null : r.environment().host()));
    c.add(new Column("executor_id", s, r -> r.environment() == null ? null : r.environment().executorId()));
    c.add(new Column("cpu_model", s, r -> r.environment() == null ? null : r.environment().cpuModel()));
    c.add(new Column("gpu_name", s, r -> r.environment() == null ? null : r.environment().gpuName()));
    c.add(new Column("djl_version", s, r -> r.environment() == null ? null : r.environment().djlVersion()));
    c.add(new Column("pytorch_version", s, r -> r.environment() == null ? null : r.environment().pytorchVersion()));
    c.add(new Column("spark_version", s, r -> r.environment() == null ? null : r.environment().sparkVersion()));
    c.add(new Column("java_version", s, r -> r.environment() == null ? null : r.environment().javaVersion()));
    c.add(new Column("measured_at", DataTypes.TimestampType, r -> Timestamp.from(r.measuredAt())));
  }

  /** Whether it was measured, and why not. */
  private static void outcome(List<Column> c) {
    DataType s = DataTypes.StringType;
    c.add(new Column("status", s, r -> r.status().label()));
    c.add(new Column("error", s, r -> r.outcome().error()));
    c.add(new Column("error_trace", s, r -> r.outcome().errorTrace()));
  }
}
