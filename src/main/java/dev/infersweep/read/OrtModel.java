package dev.infersweep.read;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infersweep.engine.OnnxRuntime;
import dev.infersweep.train.ServedModel;
import ai.djl.ndarray.NDList;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model served by ONNX Runtime: one session of its own from the file's bytes. The timed call
 * ({@link #call}) runs the session on an input tensor made once, outside the clocks, and copies the
 * output into Java memory before it returns; {@link #forward} (the driver's and the task's check)
 * converts through DJL arrays instead, which the timed call never does.
 */
public final class OrtModel implements ServedModel {
  private final OrtSession session;
  /** The graph's inputs in order, each with the element type the file declares. */
  private final Map<String, OnnxJavaType> inputTypes = new LinkedHashMap<>();
  private final List<OnnxTensor> inputs = new ArrayList<>();

  private OrtModel(OrtSession session) throws OrtException {
    this.session = session;
    Map<String, NodeInfo> info = session.getInputInfo();
    for (String name : session.getInputNames()) {
      inputTypes.put(name, info.get(name).getInfo() instanceof TensorInfo t ? t.type : OnnxJavaType.UNKNOWN);
    }
  }

  /**
   * A session of {@code bytes} with {@code threads} intra-op threads; {@code flushed} sets ONNX
   * Runtime's {@code session.set_denormal_as_zero} (its pool threads; the calling thread is the
   * timer's block hook's, see {@link OnnxRuntime}).
   */
  public static OrtModel load(byte[] bytes, int threads, boolean flushed) throws OrtException {
    try (OrtSession.SessionOptions options = OnnxRuntime.options(threads, flushed)) {
      OrtSession session = OnnxRuntime.environment().createSession(bytes, options);
      try {
        return new OrtModel(session);
      } catch (OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    }
  }

  /**
   * The input as an ONNX Runtime tensor of the element type the graph declares for it (float32,
   * float64, int64 ids or int32 ids: {@code read.OnnxCheck} has checked that it matches the declared
   * input); freed with the model.
   */
  private OnnxTensor tensor(NDArray input, OnnxJavaType type) throws OrtException {
    long[] shape = input.getShape().getShape();
    OnnxTensor t = switch (type) {
      case DOUBLE -> OnnxTensor.createTensor(OnnxRuntime.environment(), DoubleBuffer.wrap(input.toType(DataType.FLOAT64, false).toDoubleArray()), shape);
      case INT64 -> OnnxTensor.createTensor(OnnxRuntime.environment(), LongBuffer.wrap(input.toType(DataType.INT64, false).toLongArray()), shape);
      case INT32 -> OnnxTensor.createTensor(OnnxRuntime.environment(), IntBuffer.wrap(input.toType(DataType.INT32, false).toIntArray()), shape);
      case FLOAT -> OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(input.toType(DataType.FLOAT32, false).toFloatArray()), shape);
      default -> throw new IllegalStateException("a graph input of type " + type + " cannot be fed; inputs are float32, float64, int64 or int32");
    };
    inputs.add(t);
    return t;
  }

  /** One tensor per graph input, in order, from the model's inputs in the same order. */
  private Map<String, OnnxTensor> feed(NDList input) {
    if (input.size() != inputTypes.size()) {
      throw new IllegalStateException(input.size() + " inputs for a graph of " + inputTypes.size() + " " + inputTypes.keySet());
    }
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    int i = 0;
    try {
      for (Map.Entry<String, OnnxJavaType> in : inputTypes.entrySet()) {
        feed.put(in.getKey(), tensor(input.get(i++), in.getValue()));
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot make the input tensor: " + e.getMessage(), e);
    }
    return feed;
  }

  @Override
  public Runnable call(NDArray input) {
    return call(new NDList(input));
  }

  @Override
  public Runnable call(NDList input) {
    Map<String, OnnxTensor> feed = feed(input);
    return () -> {
      try (OrtSession.Result result = session.run(feed)) {
        // Copying the output out materialises it before the clock stops.
        ((OnnxTensor) result.get(0)).getByteBuffer();
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime's run failed: " + e.getMessage(), e);
      }
    };
  }

  /** One call through DJL arrays (not the timed path): its output as a float32 or float64 array of {@code input}'s manager. */
  @Override
  public NDArray forward(NDArray input) {
    return forward(new NDList(input));
  }

  /** {@link #forward(NDArray)} of a graph of several inputs, in order. */
  public NDArray forward(NDList input) {
    Map<String, OnnxTensor> feed = feed(input);
    try (OrtSession.Result result = session.run(feed)) {
      OnnxValue value = result.get(0);
      if (!(value instanceof OnnxTensor out)) {
        throw new IllegalStateException("the first output is a " + value.getType() + ", not a tensor");
      }
      Shape shape = new Shape(out.getInfo().getShape());
      return switch (out.getInfo().type) {
        case FLOAT -> {
          FloatBuffer b = out.getFloatBuffer();
          float[] values = new float[b.remaining()];
          b.get(values);
          yield input.head().getManager().create(values, shape);
        }
        case DOUBLE -> {
          DoubleBuffer b = out.getDoubleBuffer();
          double[] values = new double[b.remaining()];
          b.get(values);
          yield input.head().getManager().create(values, shape);
        }
        default -> throw new IllegalStateException("the first output is " + out.getInfo().type
            + "; a served model gives float or double outputs");
      };
    } catch (OrtException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } finally {
      // A check's inputs are freed now, not with the model.
      feed.values().forEach(t -> {
        inputs.remove(t);
        t.close();
      });
    }
  }

  @Override
  public void close() {
    inputs.forEach(OnnxTensor::close);
    inputs.clear();
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not close a session: " + e.getMessage(), e);
    }
  }
}
