package io.tunebook.data;

import java.util.Arrays;

/**
 * MinHash signatures of texts over character shingles: the fraction of equal positions in two
 * signatures estimates the Jaccard similarity of the two texts' shingle sets. Each of the
 * {@code permutations} hash functions is {@code (a * x + b) >>> 32} over a 64-bit mixed shingle
 * hash {@code x}, with odd {@code a} and {@code b} drawn from the seed.
 */
final class MinHash {
    private final int shingleSize;
    private final long[] a;
    private final long[] b;

    MinHash(int shingleSize, int permutations, long seed) {
        this.shingleSize = shingleSize;
        this.a = new long[permutations];
        this.b = new long[permutations];
        long state = seed;
        for (int i = 0; i < permutations; i++) {
            state += 0x9E3779B97F4A7C15L;
            a[i] = mix(state) | 1L;
            state += 0x9E3779B97F4A7C15L;
            b[i] = mix(state);
        }
    }

    int permutations() {
        return a.length;
    }

    int[] signature(String text) {
        int[] sig = new int[a.length];
        Arrays.fill(sig, Integer.MAX_VALUE);
        int n = text.length();
        int k = Math.min(shingleSize, n);
        int shingles = n == 0 ? 1 : n - k + 1;
        for (int start = 0; start < shingles; start++) {
            long h = 0xcbf29ce484222325L;
            for (int i = start; i < start + k; i++) {
                h = (h ^ text.charAt(i)) * 0x100000001b3L;
            }
            long x = mix(h);
            for (int p = 0; p < a.length; p++) {
                int v = (int) ((a[p] * x + b[p]) >>> 33);
                if (v < sig[p]) {
                    sig[p] = v;
                }
            }
        }
        return sig;
    }

    /** The estimated Jaccard similarity: the fraction of positions where the signatures agree. */
    static double similarity(int[] x, int[] y) {
        int same = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                same++;
            }
        }
        return (double) same / x.length;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * The number of LSH bands (a divisor of {@code permutations}) that best separates pairs above
     * {@code threshold} from pairs below it, weighing a missed near-duplicate four times a
     * needless comparison (comparisons are verified anyway).
     */
    static int bandsFor(int permutations, double threshold) {
        int best = 1;
        double bestCost = Double.MAX_VALUE;
        for (int bands = 1; bands <= permutations; bands++) {
            if (permutations % bands != 0) {
                continue;
            }
            int rows = permutations / bands;
            double falsePositive = 0;
            double falseNegative = 0;
            int steps = 200;
            for (int s = 0; s < steps; s++) {
                double j = (s + 0.5) / steps;
                double p = 1 - Math.pow(1 - Math.pow(j, rows), bands);
                if (j < threshold) {
                    falsePositive += p / steps;
                } else {
                    falseNegative += (1 - p) / steps;
                }
            }
            double cost = 0.2 * falsePositive + 0.8 * falseNegative;
            if (cost < bestCost) {
                bestCost = cost;
                best = bands;
            }
        }
        return best;
    }
}
