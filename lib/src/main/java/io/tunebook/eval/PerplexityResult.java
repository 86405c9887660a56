package io.tunebook.eval;

/**
 * Token-weighted perplexity: {@code exp(meanNll)}, where {@code meanNll} is the negative
 * log-likelihood summed over every scored token of every sequence, divided by {@code tokens}.
 */
public record PerplexityResult(double perplexity, double meanNll, long tokens, int sequences) {
}
