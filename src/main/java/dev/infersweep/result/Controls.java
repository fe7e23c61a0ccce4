package dev.infersweep.result;

import dev.infersweep.stats.PairedRatio;
import java.io.Serializable;
import java.util.List;

/**
 * The control models timed in the same interleaved rounds as the trained and epoch-0 models, each
 * answering one question about the row's slowdown (docs/measurement.md, "Control models").
 *
 * @param zeroed trained / the trained model with its subnormal weights set to zero: is it the
 *     subnormal weights?
 * @param rescaled rescale twin of the trained model / rescale twin of the epoch-0 model: the slowdown
 *     left when no weight, product, activation or output is subnormal (each layer scaled by a power
 *     of two and the output scaled back, which is exact); null where the network has no exact twin
 * @param aa a separately allocated copy of the trained model / the trained model: the A/A null,
 *     whose spread is what memory placement alone does
 * @param aaLatency the copy of the trained model / a copy of the epoch-0 model: the slowdown measured
 *     again on fresh allocations
 * @param exponents the power of two the rescale twin multiplies each layer's weights by (a layer's
 *     bias and outputs carry the sum up to it); empty without a twin
 * @param rescaleComplete whether the twin has no subnormal value left on the timed input; only a
 *     complete twin answers
 * @param rescaleNote why the twin is incomplete or missing, or how it was made complete; null when
 *     the plain twin is complete
 * @param flushed the flush-to-zero twin's slowdown: the trained model / the epoch-0 model, both timed
 *     with FTZ and DAZ on for exactly their blocks; null where flushing could not be had
 * @param flushedVsTrained the trained model flushed / the trained model: the speed-up the remedy
 *     gives; null where flushing could not be had
 * @param flushUnavailable why the flush twin was not timed; null when it was
 */
public record Controls(
    PairedRatio zeroed,
    PairedRatio rescaled,
    PairedRatio aa,
    PairedRatio aaLatency,
    List<Integer> exponents,
    boolean rescaleComplete,
    String rescaleNote,
    PairedRatio flushed,
    PairedRatio flushedVsTrained,
    String flushUnavailable)
    implements Serializable {
  public Controls {
    exponents = List.copyOf(exponents);
    // A model without a baseline (read from a registry) has the twin's ratio to itself only.
    if ((flushed == null && flushedVsTrained == null) != (flushUnavailable != null)) {
      throw new IllegalArgumentException("a flush twin's ratio or the reason it is missing, not both or neither");
    }
  }

  /** Layer {@code index}'s exponent, or null without a twin. */
  public Integer exponent(int index) {
    return index < exponents.size() ? exponents.get(index) : null;
  }
}
