package io.tunebook.eval.judge;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pairwise run says, from answer A's side: how often it wins, ties and loses, each with a 95%
 * Wilson interval over the judged items, and how often the judge gave the same outcome in both orders.
 *
 * @param total items compared
 * @param judged items whose two judgments were both read; the rates are over these
 * @param unparseable items with at least one unreadable or failed judgment (listed in the results)
 * @param tie includes the inconsistent items
 * @param consistency position-consistency: judged items whose two orders agreed
 * @param byCategory the same summary for each category (their own {@code byCategory} is empty)
 */
public record JudgeSummary(int total, int judged, int unparseable, Rate winA, Rate tie, Rate winB, Rate consistency,
        Map<String, JudgeSummary> byCategory) {

    public JudgeSummary {
        byCategory = Collections.unmodifiableMap(new TreeMap<>(byCategory));
    }

    public static JudgeSummary of(List<PairwiseResult> results) {
        return counts(results, Categories.summarize(results, r -> r.item().category(), rs -> counts(rs, Map.of())));
    }

    private static JudgeSummary counts(List<PairwiseResult> results, Map<String, JudgeSummary> byCategory) {
        int judged = 0;
        int a = 0;
        int b = 0;
        int consistent = 0;
        for (PairwiseResult r : results) {
            if (r.verdict().isEmpty()) {
                continue;
            }
            judged++;
            a += r.verdict().get() == Verdict.A ? 1 : 0;
            b += r.verdict().get() == Verdict.B ? 1 : 0;
            consistent += r.consistent() ? 1 : 0;
        }
        return new JudgeSummary(results.size(), judged, results.size() - judged, Rate.of(a, judged),
                Rate.of(judged - a - b, judged), Rate.of(b, judged), Rate.of(consistent, judged), byCategory);
    }

    /** Judged items whose two orders disagreed (counted as ties). */
    public long inconsistent() {
        return consistency.n() - consistency.count();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(
                "%d compared, %d judged, %d unparseable%n  A wins %s%n  ties   %s%n  B wins %s%n  consistent %s (%d "
                        + "inconsistent, counted as ties)", total, judged, unparseable, winA, tie, winB, consistency,
                inconsistent()));
        byCategory.forEach((c, sum) -> s.append(String.format("%n  %s: A %s, tie %s, B %s", c, sum.winA, sum.tie,
                sum.winB)));
        return s.toString();
    }
}
