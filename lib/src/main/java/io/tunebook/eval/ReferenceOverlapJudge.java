package io.tunebook.eval;

import io.tunebook.eval.judge.PairwiseJudge;
import java.util.Locale;

/**
 * The transparent stand-in judge of notebook 5, for evaluations that must run offline with no model able to judge:
 * it prefers the answer whose ROUGE-L F-measure against the reference is higher, and calls a tie when the two are
 * within {@code tieWithin}. It exercises everything around a judge (both orders, summaries, Wilson intervals,
 * reports) and judges word overlap only, never meaning: use a model judge before trusting a win rate.
 */
public final class ReferenceOverlapJudge {
    /** The tie margin notebook 5 uses. */
    public static final double DEFAULT_TIE_WITHIN = 0.02;

    private ReferenceOverlapJudge() {
    }

    /** With {@link #DEFAULT_TIE_WITHIN}. */
    public static PairwiseJudge create() {
        return create(DEFAULT_TIE_WITHIN);
    }

    public static PairwiseJudge create(double tieWithin) {
        if (!(tieWithin >= 0 && tieWithin < 1)) {
            throw new IllegalArgumentException("tieWithin must be in [0, 1), got " + tieWithin);
        }
        Rouge rouge = Rouge.builder().tokenizer(RougeTokenizer.UNICODE).build();
        return PairwiseJudge.byRule("rouge-l-stand-in", (question, a, b, reference) -> {
            String ref = reference.orElseThrow(() -> new IllegalArgumentException(
                    "the reference-overlap judge needs reference answers (with_reference: true)"));
            double ra = rouge.score(ref, a).rougeL().fmeasure();
            double rb = rouge.score(ref, b).rougeL().fmeasure();
            String verdict = Math.abs(ra - rb) < tieWithin ? "[[C]]" : ra > rb ? "[[A]]" : "[[B]]";
            return String.format(Locale.ROOT, "ROUGE-L against the reference: A %.3f, B %.3f. %s", ra, rb, verdict);
        });
    }
}
