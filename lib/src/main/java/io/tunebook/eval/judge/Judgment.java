package io.tunebook.eval.judge;

import io.tunebook.eval.client.TokenUsage;
import java.util.Objects;
import java.util.Optional;

/**
 * One call to the judge and what was read from it.
 *
 * @param raw the judge's whole answer (empty when the call failed)
 * @param parsed the verdict or rating read from {@code raw}; empty when {@link #problem} says why
 * @param problem why nothing could be read: the answer had no verdict in the expected format, or the call
 *     failed (the backend's message)
 * @param <T> {@link Verdict} for pairwise comparisons, {@code Double} for ratings
 */
public record Judgment<T>(String raw, Optional<T> parsed, Optional<String> problem, TokenUsage usage,
        boolean cached) {

    public Judgment {
        Objects.requireNonNull(raw, "raw");
        if (parsed.isPresent() == problem.isPresent()) {
            throw new IllegalArgumentException("a judgment has either a parsed value or a problem");
        }
    }

    static <T> Judgment<T> failed(String why) {
        return new Judgment<>("", Optional.empty(), Optional.of(why), TokenUsage.NONE, false);
    }
}
