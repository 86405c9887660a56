package io.tunebook.eval;

import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.PairwiseResult;
import java.util.List;
import java.util.Objects;

/**
 * A pairwise verdict on two candidates, from {@code candidate}'s side (its wins are
 * {@link JudgeSummary#winA()}): by an LLM judge, or by a person in a blind A/B session.
 *
 * @param judge who judged: the judge model's id, or a human rater's label
 * @param results each item as the LLM judge saw it; empty for a human rating
 */
public record JudgeComparison(String candidate, String against, String judge, JudgeSummary summary,
        List<PairwiseResult> results) {
    public JudgeComparison {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(against, "against");
        Objects.requireNonNull(judge, "judge");
        Objects.requireNonNull(summary, "summary");
        results = List.copyOf(results);
    }
}
