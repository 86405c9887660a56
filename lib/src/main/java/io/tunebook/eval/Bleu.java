package io.tunebook.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * BLEU (Papineni et al., 2002) computed as sacrebleu 2.x computes it, so that scores can be put next
 * to published ones: same tokenizers, n-gram counting, closest-reference brevity penalty and
 * smoothing. This is tunebook's own implementation; its {@link BleuScore#signature() signature}
 * says so in its {@code version} field.
 *
 * <pre>{@code
 * BleuScore corpus = Bleu.corpus().corpusScore(hypotheses, List.of(references));
 * BleuScore one = Bleu.sentence().sentenceScore(hypothesis, List.of(reference));
 * }</pre>
 *
 * @param lowercase lowercase hypotheses and references first ({@code case:lc})
 * @param tokenizer how segments are split into words
 * @param smoothing what a zero n-gram precision becomes
 * @param smoothValue the value of {@link BleuSmoothing#FLOOR floor} and {@link BleuSmoothing#ADD_K add-k};
 *     NaN for the other methods
 * @param maxNgramOrder the longest n-gram counted
 * @param effectiveOrder stop averaging at the longest order the hypothesis has n-grams of; meant for
 *     sentence-level BLEU, where short sentences would otherwise score zero
 */
public record Bleu(boolean lowercase, BleuTokenizer tokenizer, BleuSmoothing smoothing, double smoothValue,
        int maxNgramOrder, boolean effectiveOrder) {

    /** What {@link BleuScore#signature()} writes as the version: tunebook's reimplementation of sacrebleu 2. */
    public static final String VERSION = "tunebook-sacrebleu2";

    // sacrebleu's my_log: the log of a zero precision, so that exp() of the mean is 0 but stays finite.
    private static final double LOG_ZERO = -9999999999.0;

    public Bleu {
        if (tokenizer == null || smoothing == null) {
            throw new IllegalArgumentException("tokenizer and smoothing must be given");
        }
        if (maxNgramOrder < 1) {
            throw new IllegalArgumentException("maxNgramOrder must be at least 1, got " + maxNgramOrder);
        }
        if (smoothing.takesValue() && !(smoothValue >= 0 && Double.isFinite(smoothValue))) {
            throw new IllegalArgumentException(smoothing.signature() + " smoothing needs a value >= 0, got "
                    + smoothValue);
        }
        if (!smoothing.takesValue() && !Double.isNaN(smoothValue)) {
            throw new IllegalArgumentException(smoothing.signature() + " smoothing takes no value, got " + smoothValue);
        }
    }

    /** sacrebleu's {@code corpus_bleu} defaults: 13a, mixed case, exp smoothing, order 4, no effective order. */
    public static Bleu corpus() {
        return builder().build();
    }

    /** sacrebleu's {@code sentence_bleu} defaults: as {@link #corpus()} with effective order. */
    public static Bleu sentence() {
        return builder().effectiveOrder(true).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.lowercase = lowercase;
        b.tokenizer = tokenizer;
        b.smoothing = smoothing;
        b.smoothValue = smoothValue;
        b.maxNgramOrder = maxNgramOrder;
        b.effectiveOrder = effectiveOrder;
        return b;
    }

    /**
     * Corpus BLEU: statistics summed over all segments, then one score.
     *
     * @param hypotheses one segment each
     * @param referenceStreams one or more reference streams, each as long as {@code hypotheses}; a
     *     null or empty reference means the segment has fewer references than others
     */
    public BleuScore corpusScore(List<String> hypotheses, List<List<String>> referenceStreams) {
        if (referenceStreams.isEmpty()) {
            throw new IllegalArgumentException("BLEU needs at least one reference stream");
        }
        for (int s = 0; s < referenceStreams.size(); s++) {
            if (referenceStreams.get(s).size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + s + " has " + referenceStreams.get(s).size()
                        + " segments but there are " + hypotheses.size() + " hypotheses");
            }
        }
        double[] stats = new double[2 + 2 * maxNgramOrder];
        TreeSet<Integer> refCounts = new TreeSet<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            String hypothesis = hypotheses.get(i);
            if (hypothesis == null) {
                throw new IllegalArgumentException("hypothesis " + i + " is null");
            }
            List<String> refs = new ArrayList<>();
            for (List<String> stream : referenceStreams) {
                String r = stream.get(i);
                if (r != null && !r.isEmpty()) {
                    refs.add(r);
                }
            }
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("segment " + i + " has no non-empty reference");
            }
            refCounts.add(refs.size());
            double[] segment = segmentStatistics(hypothesis, refs);
            for (int k = 0; k < stats.length; k++) {
                stats[k] += segment[k];
            }
        }
        String nrefs = refCounts.size() == 1 ? refCounts.first().toString() : "var";
        return fromStatistics(stats, nrefs);
    }

    /** BLEU of one hypothesis against its references; use {@link #sentence()} settings for it. */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        List<List<String>> streams = new ArrayList<>();
        for (String r : references) {
            streams.add(List.of(r));
        }
        return corpusScore(List.of(hypothesis), streams);
    }

    /**
     * The signature sacrebleu prints for these settings, e.g.
     * {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:tunebook-sacrebleu2}.
     */
    public String signature(String nrefs) {
        String smooth = smoothing.signature();
        if (smoothing.takesValue()) {
            smooth += "[" + PyText.fixed(smoothValue, 2) + "]";
        }
        return "nrefs:" + nrefs + "|case:" + (lowercase ? "lc" : "mixed") + "|eff:" + (effectiveOrder ? "yes" : "no")
                + "|tok:" + tokenizer.signature() + "|smooth:" + smooth + "|version:" + VERSION;
    }

    /** {@code [hyp_len, ref_len, correct_1..N, total_1..N]} of one segment. */
    double[] segmentStatistics(String hypothesis, List<String> references) {
        Map<List<String>, Integer> refNgrams = new HashMap<>();
        List<Integer> refLens = new ArrayList<>();
        for (String ref : references) {
            List<String> words = words(ref);
            refLens.add(words.size());
            ngrams(words).forEach((g, c) -> refNgrams.merge(g, c, Math::max));
        }
        List<String> hypWords = words(hypothesis);
        double[] stats = new double[2 + 2 * maxNgramOrder];
        stats[0] = hypWords.size();
        stats[1] = closestRefLen(hypWords.size(), refLens);
        ngrams(hypWords).forEach((g, c) -> {
            int n = g.size() - 1;
            stats[2 + maxNgramOrder + n] += c;
            stats[2 + n] += Math.min(c, refNgrams.getOrDefault(g, 0));
        });
        return stats;
    }

    private List<String> words(String segment) {
        String s = lowercase ? segment.toLowerCase(Locale.ROOT) : segment;
        return tokenizer.tokenize(PyText.rstrip(s));
    }

    private Map<List<String>, Integer> ngrams(List<String> words) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxNgramOrder; n++) {
            for (int i = 0; i + n <= words.size(); i++) {
                counts.merge(words.subList(i, i + n), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The reference length closest to the hypothesis length; the shorter one on a tie. */
    private static int closestRefLen(int hypLen, List<Integer> refLens) {
        int best = -1;
        int bestDiff = -1;
        for (int len : refLens) {
            int diff = Math.abs(hypLen - len);
            if (bestDiff == -1 || diff < bestDiff || (diff == bestDiff && len < best)) {
                bestDiff = diff;
                best = len;
            }
        }
        return best;
    }

    /** sacrebleu's {@code compute_bleu}: the score from summed statistics. */
    BleuScore fromStatistics(double[] stats, String nrefs) {
        int sysLen = (int) stats[0];
        int refLen = (int) stats[1];
        double[] correct = new double[maxNgramOrder];
        double[] total = new double[maxNgramOrder];
        System.arraycopy(stats, 2, correct, 0, maxNgramOrder);
        System.arraycopy(stats, 2 + maxNgramOrder, total, 0, maxNgramOrder);
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0) : 1.0;
        double[] precisions = new double[maxNgramOrder];
        String signature = signature(nrefs);
        boolean anyMatch = false;
        for (double c : correct) {
            anyMatch |= c != 0;
        }
        if (!anyMatch) {
            return score(0.0, correct, total, precisions, bp, sysLen, refLen, signature);
        }
        double smoothMteval = 1;
        int effOrder = maxNgramOrder;
        for (int n = 1; n <= maxNgramOrder; n++) {
            if (smoothing == BleuSmoothing.ADD_K && n > 1) {
                correct[n - 1] += smoothValue;
                total[n - 1] += smoothValue;
            }
            if (total[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (correct[n - 1] == 0) {
                if (smoothing == BleuSmoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                } else if (smoothing == BleuSmoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * smoothValue / total[n - 1];
                }
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < effOrder; n++) {
            logSum += precisions[n] == 0 ? LOG_ZERO : Math.log(precisions[n]);
        }
        return score(bp * Math.exp(logSum / effOrder), correct, total, precisions, bp, sysLen, refLen, signature);
    }

    private static BleuScore score(double score, double[] correct, double[] total, double[] precisions, double bp,
            int sysLen, int refLen, String signature) {
        return new BleuScore(score, boxed(correct), boxed(total), boxed(precisions), bp, sysLen, refLen, signature);
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** Defaults are sacrebleu's {@code BLEU()}: mixed case, 13a, exp smoothing, order 4, no effective order. */
    public static final class Builder {
        private boolean lowercase;
        private BleuTokenizer tokenizer = BleuTokenizer.THIRTEEN_A;
        private BleuSmoothing smoothing = BleuSmoothing.EXP;
        private double smoothValue = Double.NaN;
        private int maxNgramOrder = 4;
        private boolean effectiveOrder;

        private Builder() {
        }

        public Builder lowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        public Builder tokenizer(BleuTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** The method, with its default value (floor 0.1, add-k 1). */
        public Builder smoothing(BleuSmoothing smoothing) {
            this.smoothing = smoothing;
            this.smoothValue = Double.NaN;
            return this;
        }

        /** The method and the value floor or add-k uses. */
        public Builder smoothing(BleuSmoothing smoothing, double value) {
            this.smoothing = smoothing;
            this.smoothValue = value;
            return this;
        }

        public Builder maxNgramOrder(int maxNgramOrder) {
            this.maxNgramOrder = maxNgramOrder;
            return this;
        }

        public Builder effectiveOrder(boolean effectiveOrder) {
            this.effectiveOrder = effectiveOrder;
            return this;
        }

        public Bleu build() {
            double value = Double.isNaN(smoothValue) ? smoothing.defaultValue() : smoothValue;
            return new Bleu(lowercase, tokenizer, smoothing, value, maxNgramOrder, effectiveOrder);
        }
    }
}
