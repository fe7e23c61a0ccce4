package dev.infersweep.run;

import dev.infersweep.error.ConfigException;
import dev.infersweep.net.ScriptedModel;
import dev.infersweep.spec.Precision;
import dev.infersweep.train.TorchParameter;
import dev.infersweep.train.TorchScriptCheck;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The driver's check of a TorchScript file's bytes before the sweep ({@link TorchScriptCheck}): it
 * loads, a forward pass of {@code input_shape} gives {@code outputs} values, it has floating fp32
 * parameters, and every precision of the grid can serve it. The checked model carries the bytes to
 * the executors.
 */
public final class ScriptedCheck {
  private ScriptedCheck() {}

  /**
   * @param file the grid file, for the messages
   * @throws ConfigException of one line naming the grid file, {@code model.torchscript} and the problem
   */
  public static ScriptedModel checked(String file, ScriptedModel declared, byte[] bytes, Collection<Precision> precisions) {
    TorchScriptCheck.Facts facts;
    try {
      facts = TorchScriptCheck.check(declared.path(), bytes, declared.inputs(), declared.outputs(), precisions);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
    List<ScriptedModel.Parameter> parameters =
        facts.parameters().stream().map(ScriptedCheck::described).toList();
    return declared.withArchive(bytes, parameters);
  }

  private static ScriptedModel.Parameter described(TorchParameter p) {
    return new ScriptedModel.Parameter(p.name(), Arrays.stream(p.shape()).boxed().toList());
  }
}
