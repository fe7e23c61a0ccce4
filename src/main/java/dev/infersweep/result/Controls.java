package dev.infersweep.result;

import dev.infersweep.stats.PairedRatio;
import java.io.Serializable;

/**
 * The control models timed in the same interleaved rounds as the trained and epoch-0 models, each
 * answering one question about the row's slowdown (docs/measurement.md, "Control models").
 *
 * @param zeroed trained / the trained model with its subnormal weights set to zero: is it the
 *     subnormal weights?
 * @param rescaled rescale twin of the trained model / rescale twin of the epoch-0 model: the slowdown
 *     left when no weight, product, activation or output is subnormal (each layer scaled by a power
 *     of two and the output scaled back, which is exact)
 * @param aa a separately allocated copy of the trained model / the trained model: the A/A null,
 *     whose spread is what memory placement alone does
 * @param aaLatency the copy of the trained model / a copy of the epoch-0 model: the slowdown measured
 *     again on fresh allocations
 * @param fc1Exponent the power of two the rescale twin multiplies the first layer by
 * @param fc2Exponent the power of two it multiplies the second layer's weights by (its bias and
 *     the output carry both exponents)
 * @param rescaleComplete whether the twin has no subnormal value left on the timed input (false
 *     when a layer's values span more than the precision's range); only a complete twin answers
 */
public record Controls(
    PairedRatio zeroed, PairedRatio rescaled, PairedRatio aa, PairedRatio aaLatency, int fc1Exponent, int fc2Exponent,
    boolean rescaleComplete)
    implements Serializable {}
