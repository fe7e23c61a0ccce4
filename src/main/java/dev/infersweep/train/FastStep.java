package dev.infersweep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.optimizer.Optimizer;
import dev.infersweep.net.Activation;
import dev.infersweep.net.Network;
import dev.infersweep.spec.TrainingSet;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimiser step with the gradients written out by hand for a dense network (relu, tanh,
 * sigmoid or identity layers; cross-entropy or mean squared error), handed to the same DJL optimiser
 * updates the autograd path uses. It records no autograd graph, so tasks of one executor train in
 * parallel. Laid out as libtorch runs it fastest (measurement.md): the output gradient over the
 * classes × samples view, the first layer's weight gradient from the samples transposed, and every
 * constant made once, since DJL turns each Java scalar operand into a new native array.
 */
final class FastStep {
  private final DenseNet net;
  private final Network network;
  private final NDManager manager;
  private final Optimizer optimizer;
  private final NDArray scale;
  private final NDArray one;
  private final List<NDArray> kept = new ArrayList<>();
  /** The full batch's arrays, made once when every step sees the same samples; else null. */
  private Prepared constant;

  /** A step's inputs as the engine takes them: x, xᵀ, the targets and the mean's divisor. */
  private record Prepared(NDArray x, NDArray xT, NDArray targetT, NDArray count) {
    List<NDArray> arrays() {
      return List.of(x, xT, targetT, count);
    }
  }

  FastStep(DenseNet net, NDManager manager, Optimizer optimizer, TrainingSet fullBatch) {
    this.net = net;
    this.network = net.network();
    this.manager = manager;
    this.optimizer = optimizer;
    this.scale = DenseNet.scaleArray(manager, net.scale());
    this.one = manager.create(1f);
    kept.add(one);
    if (scale != null) {
      kept.add(scale);
    }
    for (int i = 0; i < network.depth(); i++) {
      kept.add(net.weightParameters().get(i).getArray());
      kept.add(net.biasParameters().get(i).getArray());
    }
    if (fullBatch != null) {
      constant = prepare(manager, fullBatch);
      kept.addAll(constant.arrays());
    }
  }

  /**
   * The targets transposed (outputs × samples): for cross-entropy the one-hot labels divided by n,
   * which the output gradient subtracts; for MSE the targets themselves.
   */
  private Prepared prepare(NDManager owner, TrainingSet batch) {
    int n = batch.samples();
    NDArray x = owner.create(batch.features(), new Shape(n, batch.input()));
    NDArray xT = owner.create(transpose(batch.features(), n, batch.input()), new Shape(batch.input(), n));
    int outputs = network.outputs();
    float[] target =
        network.loss().classification()
            ? oneHotOverN(batch.labels(), outputs)
            : transpose(batch.labels(), n, outputs);
    NDArray targetT = owner.create(target, new Shape(outputs, n));
    // MSE's mean runs over every output of every sample; its derivative carries the 2.
    NDArray count = owner.create(network.loss().classification() ? (float) n : n * outputs / 2f);
    return new Prepared(x, xT, targetT, count);
  }

  /** One step on {@code batch} (ignored when the full batch was prepared once). */
  void run(TrainingSet batch) {
    try (NDManager scratch = manager.newSubManager()) {
      for (NDArray a : kept) {
        a.tempAttach(scratch);
      }
      Prepared in = constant != null ? constant : prepare(scratch, batch);
      int depth = network.depth();
      List<NDArray> w = new ArrayList<>();
      for (int i = 0; i < depth; i++) {
        w.add(net.weightParameters().get(i).getArray());
      }
      // Forward, as DenseNet.forward computes it, keeping each layer's activation (g) and output (a).
      List<NDArray> g = new ArrayList<>();
      List<NDArray> a = new ArrayList<>();
      a.add(in.x());
      NDArray out = null;
      for (int i = 0; i < depth; i++) {
        NDArray z = Linear.linear(a.get(i), w.get(i), net.biasParameters().get(i).getArray()).singletonOrThrow();
        if (i == depth - 1) {
          out = z;
          break;
        }
        NDArray gi = network.layers().get(i).activation().apply(z);
        g.add(gi);
        a.add(scale == null ? gi : gi.mul(scale));
      }
      NDArray dzT = outputGradientT(out, in);
      backward(dzT, in, w, g, a);
    }
  }

  /**
   * d(loss)/d(output), outputs × samples. Cross-entropy: (softmax − one-hot) / n, the softmax over
   * the transposed view, where its rows are long and contiguous. MSE: (output − target) · 2 / (n ·
   * outputs).
   */
  private NDArray outputGradientT(NDArray out, Prepared in) {
    if (network.loss().classification()) {
      return out.transpose().softmax(0).divi(in.count()).subi(in.targetT());
    }
    return out.transpose().sub(in.targetT()).divi(in.count());
  }

  /**
   * Back through the layers, last first; the optimiser updates every layer once all gradients are
   * known (an update in place would otherwise change the weights the earlier layers' gradients read).
   */
  private void backward(NDArray dzT, Prepared in, List<NDArray> w, List<NDArray> g, List<NDArray> a) {
    int last = network.depth() - 1;
    NDArray[] dw = new NDArray[last + 1];
    NDArray[] db = new NDArray[last + 1];
    dw[last] = last == 0 ? in.xT().matMul(dzT.transpose()).transpose() : dzT.matMul(a.get(last));
    db[last] = dzT.sum(new int[] {1});
    NDArray da = last == 0 ? null : dzT.transpose().matMul(w.get(last));
    for (int i = last - 1; i >= 0; i--) {
      if (scale != null) {
        da.muli(scale);
      }
      NDArray dz = derivative(network.layers().get(i).activation(), g.get(i), da);
      dw[i] = i == 0 ? in.xT().matMul(dz).transpose() : dz.transpose().matMul(a.get(i));
      db[i] = dz.sum(new int[] {0});
      if (i > 0) {
        da = dz.matMul(w.get(i));
      }
    }
    for (int i = 0; i <= last; i++) {
      optimizer.update(net.weightParameters().get(i).getId(), net.weightParameters().get(i).getArray(), dw[i]);
      optimizer.update(net.biasParameters().get(i).getId(), net.biasParameters().get(i).getArray(), db[i]);
    }
  }

  /**
   * {@code da} times the activation's derivative, from the activation's output {@code g}: ReLU's is
   * sign(relu(z)) (1 where it passed its input, 0 elsewhere; no Java scalar to wrap), tanh's 1 − g²,
   * the sigmoid's g·(1 − g).
   */
  private NDArray derivative(Activation activation, NDArray g, NDArray da) {
    return switch (activation) {
      case RELU -> da.muli(g.sign());
      case TANH -> da.muli(one.sub(g.square()));
      case SIGMOID -> da.muli(g.mul(one.sub(g)));
      case IDENTITY -> da;
      case GELU -> throw new IllegalStateException("gelu has no hand-written gradient; train it with autograd");
    };
  }

  /** {@code rows × cols} row-major, transposed. */
  static float[] transpose(float[] values, int rows, int cols) {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }

  /** The labels one-hot, divided by their count, classes × samples. */
  private static float[] oneHotOverN(float[] labels, int classes) {
    int n = labels.length;
    float[] out = new float[classes * n];
    float share = 1f / n;
    for (int i = 0; i < n; i++) {
      out[(int) labels[i] * n + i] = share;
    }
    return out;
  }
}
