package dev.infersweep.spec;

import dev.infersweep.spec.Axis.Integers;
import dev.infersweep.spec.Axis.Level;
import dev.infersweep.spec.Axis.Reals;
import dev.infersweep.spec.Axis.Words;
import java.util.List;

/**
 * The sweep's axes, each declared once. Run-level axes multiply training runs; cell-level axes are
 * measured inside one run. The order here is the order of expansion (first = outermost loop) and of
 * the canonical text behind run and row ids, so appending keeps existing ids unchanged.
 *
 * <p>Adding an axis: declare it here, last among its level, with
 * {@code optInIdOnlyWhenChanged()} (so that runs of existing sweeps keep their ids), and give it a
 * result column in {@code ConfigurationColumns} (the configuration group of {@code ResultSchema}); the loader, expansion, counts, ids, {@code plan}, the
 * executor's cell loops, the SQL views and the analyses follow. The code that acts on it reads {@code spec.get(Axes.NEW_AXIS)}.
 */
public final class Axes {
  /** Optimiser of a run; {@code train.optimizer} may give a single one. */
  public static final Axis<Optimizer> OPTIMIZER =
      Axis.of("optimizer", "optimizer", Level.RUN,
              new Words<>(Optimizer.labels(), Optimizer::parse), List.of(Optimizer.SGD))
          .optFallbackKey("train.optimizer")
          .optLabel(Optimizer::label);

  /** Learning rate of a run; {@code train.learning_rate} may give a single one. */
  public static final Axis<Double> LEARNING_RATE =
      Axis.of("learning_rate", "lr", Level.RUN, new Reals(0, true, 100, true), List.of(0.01))
          .optFallbackKey("train.learning_rate");

  /** L2 weight decay added to the gradient, as PyTorch's optimisers do. */
  public static final Axis<Double> WEIGHT_DECAY =
      Axis.of("weight_decay", "wd", Level.RUN, new Reals(0, false, 1000, true), List.of(0.0));

  /** Factor applied to the hidden activations; 1 leaves the multiplication out. */
  public static final Axis<Double> ACTIVATION_SCALE =
      Axis.of("activation_scale", "scale", Level.RUN, new Reals(0, true, 1e6, true), List.of(1.0));

  /** Seed of the weight initialisation: the replicate of a configuration. */
  public static final Axis<Long> SEED =
      Axis.of("seed", "seed", Level.RUN, new Integers<>(0, Long.MAX_VALUE, v -> v), List.of(0L));

  /** Epoch checkpoints at which the model is timed; 0 is the freshly initialised model. */
  public static final Axis<Integer> EPOCHS =
      Axis.of("epochs", "epochs", Level.CELL, new Integers<>(0, 10_000_000, Long::intValue), null);

  /** Inference precision the checkpoint is cast to. */
  public static final Axis<Precision> PRECISION =
      Axis.of("precision", "precision", Level.CELL,
              new Words<>(Precision.labels(), Precision::parse), List.of(Precision.FP32))
          .optLabel(Precision::label);

  /** Inference batch size; read from {@code timing.batch_sizes}. */
  public static final Axis<Integer> BATCH_SIZE =
      Axis.of("batch_size", "batch", Level.CELL, new Integers<>(1, 1_000_000, Long::intValue), List.of(1))
          .optYamlKey("timing.batch_sizes");

  /** Timing protocol: infersweep's rigorous one, or the seed article's. */
  public static final Axis<Protocol> PROTOCOL =
      Axis.of("protocol", "protocol", Level.CELL,
              new Words<>(Protocol.labels(), Protocol::parse), List.of(Protocol.RIGOROUS))
          .optLabel(Protocol::label);

  /**
   * PyTorch intra-op threads a cell is timed with, read from {@code timing.threads}; set for the
   * timed cell and restored afterwards (training keeps {@link RunSpec#threads}). The driver refuses a
   * count above the cores each task holds ({@code spark.task.cpus}).
   */
  public static final Axis<Integer> INTRA_OP_THREADS =
      Axis.of("intra_op_threads", "threads", Level.CELL, new Integers<>(1, 1024, Long::intValue), List.of(1))
          .optYamlKey("timing.threads")
          .optInIdOnlyWhenChanged();

  /** Every axis, in expansion order. */
  public static final List<Axis<?>> ALL =
      List.of(OPTIMIZER, LEARNING_RATE, WEIGHT_DECAY, ACTIVATION_SCALE, SEED, EPOCHS, PRECISION, BATCH_SIZE, PROTOCOL,
          INTRA_OP_THREADS);

  /** The axes that multiply training runs. */
  public static final List<Axis<?>> RUN = ALL.stream().filter(a -> a.level() == Level.RUN).toList();

  /** The axes measured inside one run. */
  public static final List<Axis<?>> CELL = ALL.stream().filter(a -> a.level() == Level.CELL).toList();

  private Axes() {}

  /** The axis called {@code name}, or null. */
  public static Axis<?> named(String name) {
    return ALL.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }
}
