package io.tunebook.data;

import java.util.Arrays;

/** Summary statistics of a list of counts (lengths, turns): nearest-rank median and 95th percentile. */
public record Distribution(long count, double mean, long min, long median, long p95, long max) {
    public static Distribution of(long[] values) {
        if (values.length == 0) {
            return new Distribution(0, 0, 0, 0, 0, 0);
        }
        long[] v = values.clone();
        Arrays.sort(v);
        double sum = 0;
        for (long x : v) {
            sum += x;
        }
        return new Distribution(v.length, sum / v.length, v[0], rank(v, 0.5), rank(v, 0.95), v[v.length - 1]);
    }

    private static long rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
