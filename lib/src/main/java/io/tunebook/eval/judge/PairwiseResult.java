package io.tunebook.eval.judge;

import java.util.Optional;

/**
 * The comparison of one item, asked in both orders.
 *
 * @param original the judgment with answer A shown first
 * @param swapped the judgment with answer B shown first; its verdict is in the labels the judge saw
 * @param verdict the outcome in the item's labels: A or B when both orders agree, TIE when they agree on a
 *     tie or disagree; empty when either judgment could not be read
 * @param consistent whether both orders gave the same outcome (false when either is unreadable)
 */
public record PairwiseResult(PairwiseItem item, Judgment<Verdict> original, Judgment<Verdict> swapped,
        Optional<Verdict> verdict, boolean consistent) {

    /** Combines the two orders: the swapped verdict is mapped back before comparing. */
    static PairwiseResult of(PairwiseItem item, Judgment<Verdict> original, Judgment<Verdict> swapped) {
        if (original.parsed().isEmpty() || swapped.parsed().isEmpty()) {
            return new PairwiseResult(item, original, swapped, Optional.empty(), false);
        }
        Verdict first = original.parsed().get();
        Verdict second = swapped.parsed().get().swap();
        boolean consistent = first == second;
        return new PairwiseResult(item, original, swapped, Optional.of(consistent ? first : Verdict.TIE), consistent);
    }

    /** Whether both judgments were read. */
    public boolean judged() {
        return verdict.isPresent();
    }
}
