package io.tunebook.eval.client;

/**
 * What an endpoint charges, per 1,000 tokens, in whatever currency the caller counts in.
 *
 * @param inputPer1k price of 1,000 prompt tokens
 * @param outputPer1k price of 1,000 completion tokens
 */
public record Pricing(double inputPer1k, double outputPer1k) {
    /** A local or self-hosted model. */
    public static final Pricing FREE = new Pricing(0, 0);

    public Pricing {
        if (!(inputPer1k >= 0) || !(outputPer1k >= 0) || Double.isInfinite(inputPer1k)
                || Double.isInfinite(outputPer1k)) {
            throw new IllegalArgumentException("prices must be finite and not negative: " + inputPer1k + ", "
                    + outputPer1k);
        }
    }

    public double cost(TokenUsage usage) {
        return usage.promptTokens() / 1000.0 * inputPer1k + usage.completionTokens() / 1000.0 * outputPer1k;
    }
}
