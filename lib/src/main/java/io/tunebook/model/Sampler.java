package io.tunebook.model;

import java.util.Arrays;
import java.util.Collection;
import java.util.Random;

/**
 * Picks the next token from one row of logits, applying transformers' processors in its order:
 * repetition penalty, then temperature, top-k and top-p, then a draw (or argmax when greedy).
 */
final class Sampler {
    private final GenerationSettings settings;
    private final Random random;

    Sampler(GenerationSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    long next(float[] logits, Collection<Long> seenTokens) {
        float[] scores = logits.clone();
        if (settings.repetitionPenalty() != 1.0) {
            float penalty = (float) settings.repetitionPenalty();
            for (long id : seenTokens) {
                int i = (int) id;
                // Dividing a negative logit would make the token more likely; multiply those instead.
                scores[i] = scores[i] < 0 ? scores[i] * penalty : scores[i] / penalty;
            }
        }
        if (settings.greedy()) {
            return argMax(scores);
        }
        float temperature = (float) settings.temperature();
        for (int i = 0; i < scores.length; i++) {
            scores[i] /= temperature;
        }
        if (settings.topK() > 0 && settings.topK() < scores.length) {
            float[] sorted = scores.clone();
            Arrays.sort(sorted);
            float kth = sorted[sorted.length - settings.topK()];
            for (int i = 0; i < scores.length; i++) {
                if (scores[i] < kth) {
                    scores[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        double[] probs = softmax(scores);
        if (settings.topP() < 1.0) {
            nucleus(probs, settings.topP());
        }
        return draw(probs);
    }

    /** Keeps the smallest set of most likely tokens whose probabilities sum to at least {@code topP}. */
    private static void nucleus(double[] probs, double topP) {
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        double cumulative = 0;
        boolean cut = false;
        for (Integer i : order) {
            if (cut) {
                probs[i] = 0;
            } else {
                cumulative += probs[i];
                cut = cumulative >= topP;
            }
        }
    }

    private long draw(double[] probs) {
        double total = 0;
        for (double p : probs) {
            total += p;
        }
        double u = random.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                last = i;
                u -= probs[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    static int argMax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] softmax(float[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double[] p = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            p[i] = Math.exp(scores[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
