package dev.infersweep.result;

import dev.infersweep.net.Network;
import dev.infersweep.net.ReadModel;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.result.ResultSchema.Column;
import dev.infersweep.spec.Axes;
import dev.infersweep.spec.DataSpec;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The configuration group of the results table: the run's and the cell's axes, the model, the data
 * and the regime, and, for a model read from a file rather than trained, the file. The training
 * columns of a read model's rows are null: nothing was trained.
 */
final class ConfigurationColumns {
  private ConfigurationColumns() {}

  /** The row's declared network; null for a TorchScript or read model (its layer columns are then null). */
  static Network declared(ResultRow r) {
    return r.run().model() instanceof Network n ? n : null;
  }

  /** The row's read model; null for one trained in the sweep. */
  static ReadModel read(ResultRow r) {
    return r.run().model() instanceof ReadModel m ? m : null;
  }

  /** A training setting's value; null on the rows of a read model, which was not trained here. */
  static Object trained(ResultRow r, Function<ResultRow, Object> value) {
    return read(r) != null ? null : value.apply(r);
  }

  private static Object file(ResultRow r, Function<ModelFile, Object> value) {
    return r.file() == null ? null : value.apply(r.file());
  }

  /** The run's and the cell's configuration: axes, network, data, regime, device. */
  static void add(List<Column> c) {
    DataType s = DataTypes.StringType;
    DataType i = DataTypes.IntegerType;
    DataType l = DataTypes.LongType;
    DataType d = DataTypes.DoubleType;
    c.add(new Column("epochs", i, r -> trained(r, x -> x.value(Axes.EPOCHS))));
    c.add(new Column("steps", l, r -> read(r) != null ? read(r).steps() : (Object) ((long) r.value(Axes.EPOCHS) * r.run().stepsPerEpoch())));
    c.add(new Column("weight_decay", d, r -> trained(r, x -> x.value(Axes.WEIGHT_DECAY))));
    c.add(new Column("activation_scale", d, r -> trained(r, x -> x.value(Axes.ACTIVATION_SCALE))));
    // A read model is served in the precision its file was saved in.
    c.add(new Column("precision", s, r -> read(r) != null ? file(r, ModelFile::precision) : r.value(Axes.PRECISION).label()));
    c.add(new Column("seed", l, r -> trained(r, x -> x.value(Axes.SEED))));
    c.add(new Column("optimizer", s, r -> trained(r, x -> x.value(Axes.OPTIMIZER).label())));
    c.add(new Column("learning_rate", d, r -> trained(r, x -> x.value(Axes.LEARNING_RATE))));
    c.add(new Column("input_size", i, r -> r.run().model().input()));
    c.add(new Column("hidden_size", i, r -> declared(r) == null || declared(r).depth() < 2 ? null : declared(r).layers().get(0).units()));
    c.add(new Column("output_size", i, r -> trained(r, x -> x.run().model().outputs())));
    c.add(new Column("network", s, r -> r.run().model().describe()));
    c.add(new Column("depth", i, r -> declared(r) == null ? null : declared(r).depth()));
    c.add(new Column("loss", s, r -> trained(r, x -> x.run().model().loss().label())));
    c.add(new Column("torchscript_sha256", s, r -> r.run().model() instanceof ScriptedModel m ? m.sha256() : null));
    c.add(new Column("train_samples", i, r -> trained(r, x -> x.run().data().samples())));
    c.add(new Column("data_seed", l, r -> trained(r, x -> x.run().data() instanceof DataSpec.Synthetic syn ? syn.seed() : null)));
    c.add(new Column("data_kind", s, r -> trained(r, x -> x.run().data() instanceof DataSpec.Synthetic syn ? syn.distribution().label() : "table")));
    c.add(new Column("data_fresh", DataTypes.BooleanType, r -> trained(r, x -> x.run().data().fresh())));
    c.add(new Column("data_table", s, r -> r.run().data() instanceof DataSpec.Table t ? t.path() : null));
    c.add(new Column("train_batch_size", i, r -> trained(r, x -> x.run().regime().batch(x.run().data()))));
    c.add(new Column("momentum", d, r -> trained(r, x -> x.run().regime().momentum())));
    c.add(new Column("batch_size", i, r -> r.value(Axes.BATCH_SIZE)));
    c.add(new Column("protocol", s, r -> r.value(Axes.PROTOCOL).label()));
    c.add(new Column("intra_op_threads", i, r -> r.value(Axes.INTRA_OP_THREADS)));
    c.add(new Column("device", s, r -> r.environment() == null ? r.run().device().label() : r.environment().device()));
    addModelFile(c);
    c.add(new Column("flops_per_call", l, r -> declared(r) == null ? null : declared(r).flopsPerSample() * r.value(Axes.BATCH_SIZE)));
  }

  /** The model file of a read model's rows: which source, which file, its content and its baseline. */
  static void addModelFile(List<Column> c) {
    DataType s = DataTypes.StringType;
    c.add(new Column("model_source", s, r -> read(r) == null ? null : read(r).kind().key()));
    c.add(new Column("model_path", s, r -> read(r) == null ? null : read(r).path()));
    c.add(new Column("model_sha256", s, r -> file(r, ModelFile::sha256)));
    c.add(new Column("baseline_path", s, r -> read(r) == null ? null : read(r).baseline()));
    c.add(new Column("checkpoint_path", s, r -> read(r) != null ? null : file(r, ModelFile::path)));
  }
}
