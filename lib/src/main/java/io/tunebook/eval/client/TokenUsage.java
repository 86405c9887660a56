package io.tunebook.eval.client;

/** Tokens one request consumed, as the backend counted them. */
public record TokenUsage(long promptTokens, long completionTokens) {
    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative: " + promptTokens + ", "
                    + completionTokens);
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
    }
}
