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
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
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
  private final String inputName;
  private final List<OnnxTensor> inputs = new ArrayList<>();

  private OrtModel(OrtSession session) throws OrtException {
    this.session = session;
    this.inputName = session.getInputNames().iterator().next();
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

  /** The input as an ONNX Runtime tensor of the input's type (float32 or float64); freed with the model. */
  private OnnxTensor tensor(NDArray input) throws OrtException {
    long[] shape = input.getShape().getShape();
    OnnxTensor t = input.getDataType() == DataType.FLOAT64
        ? OnnxTensor.createTensor(OnnxRuntime.environment(), DoubleBuffer.wrap(input.toDoubleArray()), shape)
        : OnnxTensor.createTensor(OnnxRuntime.environment(), FloatBuffer.wrap(input.toType(DataType.FLOAT32, false).toFloatArray()), shape);
    inputs.add(t);
    return t;
  }

  @Override
  public Runnable call(NDArray input) {
    Map<String, OnnxTensor> feed;
    try {
      feed = Map.of(inputName, tensor(input));
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot make the input tensor: " + e.getMessage(), e);
    }
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
    try (OnnxTensor in = tensor(input); OrtSession.Result result = session.run(Map.of(inputName, in))) {
      inputs.remove(in);
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
          yield input.getManager().create(values, shape);
        }
        case DOUBLE -> {
          DoubleBuffer b = out.getDoubleBuffer();
          double[] values = new double[b.remaining()];
          b.get(values);
          yield input.getManager().create(values, shape);
        }
        default -> throw new IllegalStateException("the first output is " + out.getInfo().type
            + "; a served model gives float or double outputs");
      };
    } catch (OrtException e) {
      throw new IllegalStateException(e.getMessage(), e);
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
