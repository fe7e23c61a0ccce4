package dev.infersweep.train;

import java.util.List;

/**
 * A TorchScript module's floating parameters at a checkpoint, copied out in the module's order. The
 * module itself is not kept: every timed copy is a fresh module from the file's bytes with these
 * values ({@link TorchScriptModel#load(byte[], ai.djl.Device, List)}).
 */
public record ScriptedValues(List<TorchParameter> parameters) implements Snapshot {
  public ScriptedValues {
    parameters = List.copyOf(parameters);
  }

  /** The same values with every fp32-subnormal one set to 0: the zeroed control's. */
  public ScriptedValues withSubnormalsZeroed() {
    return new ScriptedValues(parameters.stream().map(TorchParameter::withSubnormalsZeroed).toList());
  }
}
