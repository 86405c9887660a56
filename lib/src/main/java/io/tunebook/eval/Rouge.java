package io.tunebook.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum (Lin, 2004) computed as Google's rouge-score package
 * computes them ({@code RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=...)}),
 * whose defaults match ROUGE-1.5.5. Scores are in [0, 1].
 *
 * <pre>{@code
 * RougeScores s = Rouge.builder().stemming(true).build().score(reference, prediction);
 * double f = s.rougeL().fmeasure();
 * }</pre>
 *
 * @param stemming Porter-stem words longer than 3 characters ({@code use_stemmer}; English only)
 * @param tokenizer how words are found; {@link RougeTokenizer#ASCII} is rouge-score's
 */
public record Rouge(boolean stemming, RougeTokenizer tokenizer) {
    private static final PorterStemmer STEMMER = new PorterStemmer();

    public Rouge {
        if (tokenizer == null) {
            throw new IllegalArgumentException("tokenizer must be given");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Scores {@code prediction} against {@code target} (rouge-score's argument order). */
    public RougeScores score(String target, String prediction) {
        List<String> t = words(target);
        List<String> p = words(prediction);
        return new RougeScores(ngramScore(t, p, 1), ngramScore(t, p, 2), lcsScore(t, p),
                summaryLevelLcs(sentences(target), sentences(prediction)));
    }

    /** ROUGE-N for any {@code n >= 1}. */
    public RougeScore rougeN(String target, String prediction, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ROUGE-N needs n >= 1, got " + n);
        }
        return ngramScore(words(target), words(prediction), n);
    }

    /**
     * Against several targets: for each ROUGE type, the target with the best F-measure (the first on a
     * tie), as rouge-score's {@code score_multi}.
     */
    public RougeScores scoreMulti(List<String> targets, String prediction) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("scoreMulti needs at least one target");
        }
        List<RougeScores> all = new ArrayList<>();
        for (String t : targets) {
            all.add(score(t, prediction));
        }
        return new RougeScores(best(all, RougeScores::rouge1), best(all, RougeScores::rouge2),
                best(all, RougeScores::rougeL), best(all, RougeScores::rougeLsum));
    }

    /** Mean precision, recall and F-measure over pairs: the usual corpus-level ROUGE. */
    public RougeScores mean(List<String> targets, List<String> predictions) {
        Pairs.requireSameSize(predictions, "predictions", targets, "targets");
        List<RougeScores> all = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            all.add(score(targets.get(i), predictions.get(i)));
        }
        return new RougeScores(average(all, RougeScores::rouge1), average(all, RougeScores::rouge2),
                average(all, RougeScores::rougeL), average(all, RougeScores::rougeLsum));
    }

    private static RougeScore best(List<RougeScores> all, Function<RougeScores, RougeScore> type) {
        RougeScore best = type.apply(all.get(0));
        for (RougeScores s : all) {
            if (type.apply(s).fmeasure() > best.fmeasure()) {
                best = type.apply(s);
            }
        }
        return best;
    }

    private static RougeScore average(List<RougeScores> all, Function<RougeScores, RougeScore> type) {
        double p = 0;
        double r = 0;
        double f = 0;
        for (RougeScores s : all) {
            p += type.apply(s).precision();
            r += type.apply(s).recall();
            f += type.apply(s).fmeasure();
        }
        return new RougeScore(p / all.size(), r / all.size(), f / all.size());
    }

    private List<String> words(String text) {
        return tokenizer.tokenize(text, stemming ? STEMMER : null);
    }

    /** Newline-separated sentences, empty lines dropped, as rouge-score does for rougeLsum. */
    private List<List<String>> sentences(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.add(words(line));
            }
        }
        return out;
    }

    private static RougeScore ngramScore(List<String> target, List<String> prediction, int n) {
        Map<List<String>, Integer> t = ngrams(target, n);
        Map<List<String>, Integer> p = ngrams(prediction, n);
        int overlap = 0;
        for (Map.Entry<List<String>, Integer> e : t.entrySet()) {
            overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
        }
        int targetCount = Math.max(0, target.size() - n + 1);
        int predictionCount = Math.max(0, prediction.size() - n + 1);
        return RougeScore.of((double) overlap / Math.max(predictionCount, 1), (double) overlap / Math.max(targetCount, 1));
    }

    private static Map<List<String>, Integer> ngrams(List<String> words, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++) {
            counts.merge(words.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }

    private static RougeScore lcsScore(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return RougeScore.ZERO;
        }
        int lcs = lcsTable(target, prediction)[target.size()][prediction.size()];
        return RougeScore.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    private static int[][] lcsTable(List<String> ref, List<String> can) {
        int[][] t = new int[ref.size() + 1][can.size() + 1];
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= can.size(); j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    /** Indices into {@code ref} of one LCS, read back as rouge-score's {@code _backtrack_norec} does. */
    private static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int[][] t = lcsTable(ref, can);
        List<Integer> out = new ArrayList<>();
        int i = ref.size();
        int j = can.size();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                out.add(0, i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return out;
    }

    /** Summary-level LCS with ROUGE-1.5.5's guard against counting a token more often than it occurs. */
    static RougeScore summaryLevelLcs(List<List<String>> refSentences, List<List<String>> canSentences) {
        if (refSentences.isEmpty() || canSentences.isEmpty()) {
            return RougeScore.ZERO;
        }
        int m = refSentences.stream().mapToInt(List::size).sum();
        int n = canSentences.stream().mapToInt(List::size).sum();
        if (m == 0 || n == 0) {
            return RougeScore.ZERO;
        }
        Map<String, Integer> refCounts = new HashMap<>();
        Map<String, Integer> canCounts = new HashMap<>();
        refSentences.forEach(s -> s.forEach(w -> refCounts.merge(w, 1, Integer::sum)));
        canSentences.forEach(s -> s.forEach(w -> canCounts.merge(w, 1, Integer::sum)));
        int hits = 0;
        for (List<String> ref : refSentences) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> can : canSentences) {
                union.addAll(lcsIndices(ref, can));
            }
            for (int index : union) {
                String w = ref.get(index);
                if (canCounts.getOrDefault(w, 0) > 0 && refCounts.getOrDefault(w, 0) > 0) {
                    hits++;
                    canCounts.merge(w, -1, Integer::sum);
                    refCounts.merge(w, -1, Integer::sum);
                }
            }
        }
        return RougeScore.of((double) hits / n, (double) hits / m);
    }

    /** Defaults are rouge-score's: no stemming, its ASCII tokenizer. */
    public static final class Builder {
        private boolean stemming;
        private RougeTokenizer tokenizer = RougeTokenizer.ASCII;

        private Builder() {
        }

        public Builder stemming(boolean stemming) {
            this.stemming = stemming;
            return this;
        }

        public Builder tokenizer(RougeTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        public Rouge build() {
            return new Rouge(stemming, tokenizer);
        }
    }
}
