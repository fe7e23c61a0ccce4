package dev.infersweep.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import dev.infersweep.engine.DjlRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A TorchScript module ({@code torch.jit.script(model).save("m.pt")}) loaded from its archive's
 * bytes on DJL's PyTorch engine, offline, with {@code Criteria.optOption("trainParam", "true")}: the
 * module's parameters are ordinary (not inference-mode) tensors that autograd can train in place
 * ({@link TorchScriptTrainer}). Each instance is its own native module and {@code Model}; close it.
 *
 * <p>On a model that has not trained, {@link #forward} is the served call: the module in eval mode
 * under libtorch's {@code InferenceMode} (DJL's non-training forward). A trained module is never
 * timed: {@code InferenceMode} can fail on it ("Inference tensors cannot be saved for backward", DJL
 * issues #2144, #2159), so it is timed through a fresh module loaded from its whole state
 * ({@link #state}, {@link ScriptedState}), whose parameters do not require gradients.
 */
public final class TorchScriptModel implements ServedModel {
  private final byte[] archive;
  private final ZooModel<NDList, NDList> model;
  private final PtSymbolBlock block;
  private final List<Parameter> parameters = new ArrayList<>();
  private final ParameterStore store;
  private boolean trained;

  private TorchScriptModel(byte[] archive, ZooModel<NDList, NDList> model) {
    this.archive = archive;
    this.model = model;
    Block loaded = model.getBlock();
    if (!(loaded instanceof PtSymbolBlock symbol)) {
      model.close();
      throw new IllegalStateException("the PyTorch engine gave a " + loaded.getClass().getSimpleName());
    }
    this.block = symbol;
    for (Parameter p : block.getParameters().values()) {
      if (p.getArray().getDataType().isFloating()) {
        parameters.add(p);
      }
    }
    this.store = new ParameterStore(model.getNDManager(), false);
    // trainParam leaves the parameters requiring gradients; a model is served until it trains.
    for (Parameter p : parameters) {
      p.freeze(true);
    }
  }

  /**
   * Loads a module from a TorchScript archive's bytes on {@code device}. DJL reads {@code
   * trainParam} only when it loads a model from a path ({@code PtModel.load(InputStream)} takes no
   * options and freezes the parameters), so the bytes go through a temporary file, deleted once the
   * module is in memory.
   *
   * @throws MalformedModelException when the bytes are not a TorchScript archive libtorch can load
   */
  public static TorchScriptModel load(byte[] archive, Device device) throws MalformedModelException {
    DjlRuntime.engine();
    byte[] bytes = archive.clone();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("infersweep-torchscript");
      Files.write(dir.resolve("model.pt"), bytes);
      Criteria<NDList, NDList> criteria =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optEngine("PyTorch")
              .optDevice(device)
              .optModelPath(dir)
              .optModelName("model")
              .optOption("trainParam", "true")
              .optTranslator(new NoopTranslator())
              .build();
      return new TorchScriptModel(bytes, criteria.loadModel());
    } catch (ModelNotFoundException e) {
      throw new MalformedModelException("not a TorchScript archive: " + e.getMessage(), e);
    } catch (ai.djl.engine.EngineException e) {
      throw new MalformedModelException(firstLine(e.getMessage()), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** The archive this model was loaded from (a copy). */
  public byte[] archive() {
    return archive.clone();
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  /**
   * The data type of the floating parameters (they share one; the sweep trains and serves fp32);
   * null when the module has none.
   */
  public DataType dataType() {
    return parameters.isEmpty() ? null : parameters.get(0).getArray().getDataType();
  }

  /** Every floating parameter's name, shape and values, copied out, in the module's order. */
  public List<TorchParameter> parameters() {
    List<TorchParameter> out = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      NDArray a = p.getArray();
      float[] values;
      if (a.getDataType() == DataType.FLOAT32) {
        values = a.toFloatArray();
      } else {
        try (NDArray wide = a.toType(DataType.FLOAT32, true)) {
          values = wide.toFloatArray();
        }
      }
      out.add(new TorchParameter(p.getName(), a.getShape().getShape(), values));
    }
    return out;
  }

  /**
   * A forward pass in eval mode without autograd. On a model that never trained (a copy, the file as
   * given) this is the served call, DJL's non-training forward under libtorch's {@code
   * InferenceMode}, and its output is an inference tensor (never feed it to a backward pass). On a
   * model being trained it runs under {@code NoGradGuard} instead, because {@code InferenceMode}
   * fails there (see {@link #inferenceModeForward}); time a module loaded from its {@link #state} instead.
   */
  @Override
  public NDArray forward(NDArray input) {
    return forward(new NDList(input));
  }

  /** {@link #forward(NDArray)} of a model whose forward takes several inputs, in order. */
  public NDArray forward(NDList input) {
    if (!trained) {
      return inferenceModeForward(input);
    }
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    JniUtils.enableInferenceMode(block);
    try {
      // DJL's training flag, so that DJL neither toggles the mode nor enters InferenceMode.
      return block.forward(store, input, true, null).singletonOrThrow();
    } finally {
      JniUtils.enableTrainingMode(block);
      JniUtils.setGradMode(grad);
    }
  }

  /**
   * DJL's non-training forward: eval mode under {@code InferenceMode}. Once the module has run a
   * training forward with parameters that require gradients, libtorch 2.7.1's graph executor runs a
   * differentiable graph here and fails with "Inference tensors cannot be saved for backward" (DJL
   * issues #2144, #2159); {@code TorchScriptModelTest} documents it.
   */
  NDArray inferenceModeForward(NDList input) {
    return block.forward(store, input, false, null).singletonOrThrow();
  }

  /** The training call: train mode, recorded by autograd when a gradient collector is open. */
  NDArray forwardTraining(NDList input) {
    return block.forward(store, input, true, null).singletonOrThrow();
  }

  @Override
  public Runnable call(NDList input) {
    return () -> {
      try (NDArray result = forward(input)) {
        result.toByteBuffer();
      }
    };
  }

  /** The DJL block (for the tests that document DJL's limits). */
  PtSymbolBlock block() {
    return block;
  }

  /** The DJL model (for the tests that document DJL's limits). */
  ai.djl.Model djlModel() {
    return model;
  }

  /** The floating parameters as DJL holds them: the module's own tensors. */
  List<Parameter> trainable() {
    return parameters;
  }

  /**
   * Makes the parameters require gradients and puts the module in train mode (loading leaves it in
   * eval mode while DJL's block believes it trains); {@link #forward} then avoids {@code
   * InferenceMode}.
   */
  void trainMode() {
    for (Parameter p : parameters) {
      p.freeze(false);
    }
    JniUtils.enableTrainingMode(block);
    trained = true;
  }

  /**
   * A module loaded from {@code archive} with {@code values} copied into its parameters, in one load
   * (a checkpoint's parameters planted into the file's module, in tests).
   *
   * @throws MalformedModelException when the bytes are not a TorchScript archive libtorch can load
   * @throws IllegalArgumentException when the names or shapes do not match the module's
   */
  public static TorchScriptModel load(byte[] archive, Device device, List<TorchParameter> values)
      throws MalformedModelException {
    TorchScriptModel model = load(archive, device);
    try {
      model.assign(values);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The module's whole state as libtorch saves it ({@code torch::jit::Module::save}, DJL's {@code
   * JniUtils.writeModule}): a TorchScript archive with its code, parameters and buffers, which
   * {@link #load(byte[], Device)} and PyTorch's {@code torch.jit.load} read back.
   */
  public byte[] state() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    JniUtils.writeModule(block, out, false);
    return out.toByteArray();
  }

  private void assign(List<TorchParameter> values) {
    if (values.size() != parameters.size()) {
      throw new IllegalArgumentException(
          values.size() + " parameters given, the module has " + parameters.size());
    }
    for (int i = 0; i < values.size(); i++) {
      TorchParameter v = values.get(i);
      Parameter p = parameters.get(i);
      NDArray a = p.getArray();
      if (!v.name().equals(p.getName()) || !a.getShape().equals(new ai.djl.ndarray.types.Shape(v.shape()))) {
        throw new IllegalArgumentException(
            "parameter " + i + " is " + p.getName() + a.getShape() + ", given " + v);
      }
      if (a.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(p.getName() + " is " + a.getDataType() + "; only float32 modules are copied");
      }
      // Replaces the tensor's storage in place (libtorch's set_, outside autograd): the module's
      // own parameter tensor now holds these values.
      a.set(v.values());
    }
  }

  @Override
  public void close() {
    model.close();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }
}
