package io.tunebook.eval.judge;

import java.util.Objects;
import java.util.Optional;

/**
 * A question and two answers to compare, e.g. the base model's (A) and the fine-tuned one's (B).
 *
 * @param category groups results in {@link JudgeSummary#byCategory()}
 * @param reference a reference answer; when present the reference-guided prompt is used
 */
public record PairwiseItem(String id, String category, String question, String answerA, String answerB,
        Optional<String> reference) {
    public PairwiseItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answerA, "answerA");
        Objects.requireNonNull(answerB, "answerB");
        Objects.requireNonNull(reference, "reference");
    }

    public static PairwiseItem of(String id, String category, String question, String answerA, String answerB) {
        return new PairwiseItem(id, category, question, answerA, answerB, Optional.empty());
    }

    public PairwiseItem withReference(String reference) {
        return new PairwiseItem(id, category, question, answerA, answerB, Optional.of(reference));
    }
}
