package dev.infersweep.result;

import dev.infersweep.net.Layer;
import dev.infersweep.archive.StoredTensor;
import dev.infersweep.net.Network;
import dev.infersweep.net.ReadModel;
import dev.infersweep.net.ScriptedModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code layers} column: one struct per layer of the row's network, in order, with the layer's
 * declaration, its parameters' state in the row's precision ({@link LayerState}, null where the
 * model could not be read) and, on rigorous rows, its arithmetic on the timed input
 * ({@link LayerArithmetic}) and the rescale twin's exponent.
 */
final class LayerColumn {
  /** The fields, in order: name and type. */
  private static final StructField[] FIELDS = {
    field("index", DataTypes.IntegerType),
    field("kind", DataTypes.StringType),
    field("units", DataTypes.IntegerType),
    field("activation", DataTypes.StringType),
    field("weight_subnormal_fraction", DataTypes.DoubleType),
    field("weight_max_abs", DataTypes.DoubleType),
    field("product_subnormal_fraction", DataTypes.DoubleType),
    field("linear_subnormal_fraction", DataTypes.DoubleType),
    field("output_subnormal_fraction", DataTypes.DoubleType),
    field("rescale_exponent", DataTypes.IntegerType),
    field("name", DataTypes.StringType),
    field("shape", DataTypes.createArrayType(DataTypes.LongType, true)),
  };

  private static final StructType STRUCT = new StructType(FIELDS);
  static final DataType TYPE = DataTypes.createArrayType(STRUCT, true);

  private LayerColumn() {}

  private static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }

  /** The struct field names, for the docs test. */
  static List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    for (StructField f : FIELDS) {
      names.add(f.name());
    }
    return names;
  }

  static List<Row> value(ResultRow r) {
    if (r.run().model() instanceof ReadModel || r.file() != null) {
      return stored(r);
    }
    return r.run().model() instanceof ScriptedModel scripted ? parameters(r, scripted) : layers(r, r.run().network());
  }

  /**
   * A model read from a file, or a TorchScript checkpoint's saved state: one element per parameter
   * and buffer it holds ({@code kind} {@code parameter} or {@code buffer}), each subnormal or not in
   * its own type; empty when it was not read.
   */
  private static List<Row> stored(ResultRow r) {
    List<Row> out = new ArrayList<>();
    List<StoredTensor> tensors = r.file() == null ? List.of() : r.file().tensors();
    for (int i = 0; i < tensors.size(); i++) {
      StoredTensor t = tensors.get(i);
      LayerState state = new LayerState(i, t.kind().label(), null, null, t.subnormalShare(), t.maxAbs());
      out.add(row(i, t.kind().label(), null, null, state, null, null, t.name(), t.shape()));
    }
    return out;
  }

  private static List<Row> layers(ResultRow r, Network network) {
    Diagnostics diagnostics = r.diagnostics();
    Measurement m = r.measurement();
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < network.depth(); i++) {
      Layer layer = network.layers().get(i);
      LayerState state = diagnostics == null ? null : diagnostics.layers().get(i);
      LayerArithmetic timed = m == null || m.layerArithmetic().isEmpty() ? null : m.layerArithmetic().get(i);
      Integer exponent = m == null || m.controls() == null ? null : m.controls().exponent(i);
      out.add(row(i, layer.kind(), layer.units(), layer.activation().label(), state, timed, exponent, null, null));
    }
    return out;
  }

  /** A TorchScript module: one element per floating parameter tensor, with no trace or twin. */
  private static List<Row> parameters(ResultRow r, ScriptedModel model) {
    Diagnostics diagnostics = r.diagnostics();
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < model.parameters().size(); i++) {
      ScriptedModel.Parameter p = model.parameters().get(i);
      LayerState state = diagnostics == null ? null : diagnostics.layers().get(i);
      out.add(row(i, "parameter", null, null, state, null, null, p.name(), p.shape()));
    }
    return out;
  }

  private static Row row(
      int index, String kind, Integer units, String activation, LayerState state, LayerArithmetic timed,
      Integer exponent, String name, List<Long> shape) {
    // With its schema, so that readers take fields by name.
    return new GenericRowWithSchema(new Object[] {
        index,
        kind,
        units,
        activation,
        state == null ? null : state.weightSubnormalFraction(),
        state == null ? null : state.weightMaxAbs(),
        timed == null ? null : timed.productSubnormalFraction(),
        timed == null ? null : timed.linearSubnormalFraction(),
        timed == null ? null : timed.outputSubnormalFraction(),
        exponent,
        name,
        shape}, STRUCT);
  }
}
