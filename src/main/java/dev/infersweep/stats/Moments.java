package dev.infersweep.stats;

/** The mean and the sample standard deviation, shared by the intervals and compare. */
public final class Moments {
  private Moments() {}

  /** The arithmetic mean; NaN for no values. */
  public static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }

  /** The sample standard deviation (n − 1 in the denominator); 0 for fewer than 2 values. */
  public static double sd(double[] values) {
    if (values.length < 2) {
      return 0;
    }
    double mean = mean(values);
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return Math.sqrt(squares / (values.length - 1));
  }
}
