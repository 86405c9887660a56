package io.tunebook.eval.judge;

import java.util.Objects;
import java.util.Optional;

/**
 * A question and one answer to rate from 1 to 10.
 *
 * @param reference a reference answer; when present the reference-guided prompt is used
 */
public record GradingItem(String id, String category, String question, String answer, Optional<String> reference) {
    public GradingItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(reference, "reference");
    }

    public static GradingItem of(String id, String category, String question, String answer) {
        return new GradingItem(id, category, question, answer, Optional.empty());
    }

    public GradingItem withReference(String reference) {
        return new GradingItem(id, category, question, answer, Optional.of(reference));
    }
}
