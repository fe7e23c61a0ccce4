package dev.infersweep.stats;

/**
 * An estimate with its two-sided confidence interval, in the estimate's units (the verdicts and
 * compare work on log ratios).
 */
public record Interval(double estimate, double low, double high) {}
