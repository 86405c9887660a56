package io.tunebook.eval;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A BLEU score on sacrebleu's 0-100 scale with its sufficient statistics.
 *
 * @param counts matched n-grams of each order (fractional only with add-k smoothing)
 * @param totals hypothesis n-grams of each order
 * @param precisions n-gram precisions in percent, after smoothing
 * @param bp brevity penalty
 * @param sysLen words in the hypotheses
 * @param refLen words in the closest references
 * @param signature what was computed, in sacrebleu's signature format
 */
public record BleuScore(double score, List<Double> counts, List<Double> totals, List<Double> precisions, double bp,
        int sysLen, int refLen, String signature) {

    public BleuScore {
        counts = List.copyOf(counts);
        totals = List.copyOf(totals);
        precisions = List.copyOf(precisions);
    }

    /** Hypothesis length over reference length (0 without reference words). */
    public double ratio() {
        return refLen == 0 ? 0 : (double) sysLen / refLen;
    }

    /** As sacrebleu prints it: {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}. */
    @Override
    public String toString() {
        String p = precisions.stream().map(x -> PyText.fixed(x, 1)).collect(Collectors.joining("/"));
        return "BLEU = " + PyText.fixed(score, 2) + " " + p + " (BP = " + PyText.fixed(bp, 3) + " ratio = "
                + PyText.fixed(ratio(), 3) + " hyp_len = " + sysLen + " ref_len = " + refLen + ")";
    }
}
