package io.tunebook.eval;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * One metric of one candidate: a value per example, and the corpus value of any multiset of examples
 * computed from additive per-example statistics (so that a bootstrap resample costs a sum): a mean
 * sums values and counts, BLEU its n-gram statistics, perplexity log-likelihoods and tokens.
 */
final class MetricScores {
    private final double[] perExample;
    private final double[][] statistics;
    private final ToDoubleFunction<double[]> corpus;

    private MetricScores(double[] perExample, double[][] statistics, ToDoubleFunction<double[]> corpus) {
        this.perExample = perExample;
        this.statistics = statistics;
        this.corpus = corpus;
    }

    /** The mean of {@code values}. */
    static MetricScores mean(double[] values) {
        double[][] stats = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            stats[i] = new double[] {values[i], 1};
        }
        return new MetricScores(values, stats, s -> s[1] == 0 ? Double.NaN : s[0] / s[1]);
    }

    /** Corpus BLEU of summed segment statistics; sentence BLEU per example. */
    static MetricScores bleu(Bleu corpusBleu, double[][] segmentStatistics, double[] sentenceScores) {
        return new MetricScores(sentenceScores, segmentStatistics, s -> corpusBleu.fromStatistics(s, "1").score());
    }

    /** Token-weighted perplexity of {@code {log-likelihood, tokens}} rows; per example its own perplexity. */
    static MetricScores perplexity(double[][] logLikelihoodAndTokens) {
        double[] each = new double[logLikelihoodAndTokens.length];
        for (int i = 0; i < each.length; i++) {
            double[] s = logLikelihoodAndTokens[i];
            each[i] = s[1] == 0 ? Double.NaN : Math.exp(-s[0] / s[1]);
        }
        return new MetricScores(each, logLikelihoodAndTokens, s -> s[1] == 0 ? Double.NaN : Math.exp(-s[0] / s[1]));
    }

    /** A metric that does not apply to this candidate. */
    static MetricScores absent(int examples) {
        double[] nan = new double[examples];
        Arrays.fill(nan, Double.NaN);
        return new MetricScores(nan, new double[examples][0], s -> Double.NaN);
    }

    double example(int i) {
        return perExample[i];
    }

    double corpus() {
        double[] sum = new double[width()];
        for (double[] s : statistics) {
            add(sum, s);
        }
        return corpus.applyAsDouble(sum);
    }

    /** The corpus value of the examples at {@code indices}, repeats counted. */
    double corpus(int[] indices) {
        double[] sum = new double[width()];
        for (int i : indices) {
            add(sum, statistics[i]);
        }
        return corpus.applyAsDouble(sum);
    }

    private int width() {
        return statistics.length == 0 ? 0 : statistics[0].length;
    }

    private static void add(double[] sum, double[] s) {
        for (int k = 0; k < s.length; k++) {
            sum[k] += s[k];
        }
    }
}
