package io.tunebook.eval;

import java.util.Arrays;
import java.util.Random;

/**
 * Paired percentile bootstrap over examples (Efron; Koehn 2004 for BLEU): {@code resamples} draws of
 * as many examples as there are, with replacement, from a seeded generator; a metric's corpus value is
 * recomputed on each draw, and the 2.5th and 97.5th percentiles of the draws bound its 95% interval.
 * Every candidate is scored on the same draws, so a difference between two candidates is
 * recomputed draw by draw: the interval of the difference, not a difference of intervals.
 */
final class Bootstrap {
    private final int[][] draws;

    Bootstrap(int examples, int resamples, long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        }
        Random random = new Random(seed);
        draws = new int[resamples][examples];
        for (int[] draw : draws) {
            for (int i = 0; i < examples; i++) {
                draw[i] = random.nextInt(examples);
            }
        }
    }

    ConfidenceInterval interval(MetricScores scores) {
        double[] values = new double[draws.length];
        for (int b = 0; b < draws.length; b++) {
            values[b] = scores.corpus(draws[b]);
        }
        return interval(scores.corpus(), values);
    }

    /** {@code scores} minus {@code reference}, draw by draw. */
    ConfidenceInterval difference(MetricScores scores, MetricScores reference) {
        double[] values = new double[draws.length];
        for (int b = 0; b < draws.length; b++) {
            values[b] = scores.corpus(draws[b]) - reference.corpus(draws[b]);
        }
        return interval(scores.corpus() - reference.corpus(), values);
    }

    private static ConfidenceInterval interval(double value, double[] draws) {
        double[] defined = Arrays.stream(draws).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (Double.isNaN(value) || defined.length == 0) {
            return ConfidenceInterval.NONE;
        }
        return new ConfidenceInterval(value, percentile(defined, 0.025), percentile(defined, 0.975));
    }

    /** numpy's default (linear) percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }
}
