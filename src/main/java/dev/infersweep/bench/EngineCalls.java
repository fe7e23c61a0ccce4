package dev.infersweep.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.infersweep.bench.CallBench.Engine;
import dev.infersweep.engine.OnnxRuntime;
import dev.infersweep.read.OrtModel;
import dev.infersweep.train.ServedModel;
import dev.infersweep.train.TorchScriptModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One engine's two batch-1 calls on the same input, each on a model of its own from the same bytes:
 * {@link #direct()}, the engine's own call from Java with nothing of infersweep's, and {@link
 * #timed()}, infersweep's {@code ServedModel.call} as the timer calls it. Closing frees both models.
 */
final class EngineCalls implements AutoCloseable {
  private final Runnable direct;
  private final Runnable timed;
  private final List<AutoCloseable> resources;

  private EngineCalls(Runnable direct, Runnable timed, List<AutoCloseable> resources) {
    this.direct = direct;
    this.timed = timed;
    this.resources = resources;
  }

  Runnable direct() {
    return direct;
  }

  Runnable timed() {
    return timed;
  }

  /** Both calls of {@code engine} on {@code bytes} at {@code threads} intra-op threads (libtorch's: set by the caller on its thread). */
  static EngineCalls of(Engine engine, byte[] bytes, long[] sampleShape, int threads, NDManager manager) throws Exception {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      return engine == Engine.ONNX_RUNTIME ? onnx(bytes, threads, manager, resources) : torch(bytes, sampleShape, manager, resources);
    } catch (Exception | Error e) {
      closeAll(resources);
      throw e;
    }
  }

  /** ONNX Runtime: {@code OrtSession.run} on a prepared {@code OnnxTensor}, the output copied out ({@code getByteBuffer}). */
  private static EngineCalls onnx(byte[] bytes, int threads, NDManager manager, List<AutoCloseable> resources) throws OrtException {
    OrtSession.SessionOptions options = add(resources, OnnxRuntime.options(threads, false));
    OrtSession session = add(resources, OnnxRuntime.environment().createSession(bytes, options));
    OrtModel ours = add(resources, OrtModel.load(bytes, threads, false));
    TensorInfo info = (TensorInfo) session.getInputInfo().values().iterator().next().getInfo();
    long[] shape = Arrays.stream(info.getShape()).map(d -> d < 0 ? 1 : d).toArray();
    float[] values = gaussian(shape);
    OnnxTensor x = add(resources, OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(values), shape));
    NDArray input = add(resources, manager.create(values, new Shape(shape)));
    Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), x);
    Runnable direct = () -> {
      try (OrtSession.Result result = session.run(feed)) {
        ((OnnxTensor) result.get(0)).getByteBuffer();
      } catch (OrtException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    };
    return new EngineCalls(direct, ours.call(input), resources);
  }

  /**
   * libtorch through DJL: the module loaded as DJL loads a TorchScript file (no options), its
   * {@code PtSymbolBlock.forward} in inference on a prepared {@code NDList}, the output copied out
   * ({@code toByteBuffer}) and freed.
   */
  private static EngineCalls torch(byte[] bytes, long[] sampleShape, NDManager manager, List<AutoCloseable> resources) throws Exception {
    Path dir = Files.createTempDirectory("infersweep-callbench");
    ZooModel<NDList, NDList> model;
    try {
      Files.write(dir.resolve("model.pt"), bytes);
      model = add(resources, Criteria.builder().setTypes(NDList.class, NDList.class).optEngine("PyTorch").optDevice(Device.cpu())
          .optModelPath(dir).optModelName("model").optTranslator(new NoopTranslator()).build().loadModel());
    } finally {
      Files.deleteIfExists(dir.resolve("model.pt"));
      Files.deleteIfExists(dir);
    }
    Block block = model.getBlock();
    if (!(block instanceof PtSymbolBlock symbol)) {
      throw new IllegalStateException("the PyTorch engine gave a " + block.getClass().getSimpleName());
    }
    ServedModel ours = add(resources, TorchScriptModel.load(bytes, Device.cpu()));
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = 1;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    NDList input = add(resources, new NDList(manager.create(gaussian(shape), new Shape(shape))));
    ParameterStore store = new ParameterStore(model.getNDManager(), false);
    Runnable direct = () -> {
      NDList out = symbol.forward(store, input, false);
      try {
        out.get(0).toByteBuffer();
      } finally {
        out.close();
      }
    };
    return new EngineCalls(direct, ours.call(input), resources);
  }

  private static float[] gaussian(long[] shape) {
    float[] values = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> resources, T resource) {
    resources.add(resource);
    return resource;
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // Freeing is best effort once a measurement failed; the failure is what is reported.
      }
    }
    resources.clear();
  }

  @Override
  public void close() {
    closeAll(resources);
  }
}
