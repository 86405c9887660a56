package io.tunebook.eval.monitor;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of a set of durations, in milliseconds, by the nearest-rank method: the p-th percentile of
 * n sorted values is the value at rank ⌈p/100 · n⌉ (1-based), always one of the measured values, and the
 * one a person finds by counting down a sorted list. p99 of fewer than 100 requests is their maximum.
 *
 * @param count values measured
 * @param mean their mean
 * @param p50 the median
 * @param p90 90th percentile
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param max the slowest
 */
public record LatencyStats(int count, double mean, double p50, double p90, double p95, double p99, double max) {

    /** The statistics of {@code millis}; fails on an empty list or a value that is not a finite number >= 0. */
    public static LatencyStats of(List<Double> millis) {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no durations: measure at least one request");
        }
        for (double v : sorted) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("a duration must be a finite number of milliseconds >= 0, got " + v);
            }
        }
        return new LatencyStats(sorted.length, Arrays.stream(sorted).average().orElseThrow(), percentile(sorted, 50),
                percentile(sorted, 90), percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank {@code p}-th percentile (0 < p <= 100) of values sorted in ascending order. */
    public static double percentile(double[] sorted, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values to take a percentile of");
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
