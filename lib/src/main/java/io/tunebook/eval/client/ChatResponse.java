package io.tunebook.eval.client;

import java.util.Objects;

/**
 * One answer.
 *
 * @param finishReason OpenAI's {@code finish_reason}: {@code stop} or {@code length} (or what the endpoint says)
 * @param cached whether it came from the on-disk cache, costing nothing
 */
public record ChatResponse(String text, String finishReason, TokenUsage usage, boolean cached) {
    public ChatResponse {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
    }
}
