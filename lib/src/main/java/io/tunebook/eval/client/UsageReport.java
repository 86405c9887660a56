package io.tunebook.eval.client;

/**
 * What a client has spent so far.
 *
 * @param requests HTTP requests sent, retries included
 * @param retries requests that repeated a failed one
 * @param cacheHits answers read from the cache instead of asked for
 * @param billed tokens of the answers that were paid for (cache hits excluded)
 * @param cachedTokens tokens of the answers that came from the cache
 * @param cost {@code billed} priced with the client's {@link Pricing}
 */
public record UsageReport(long requests, long retries, long cacheHits, TokenUsage billed, TokenUsage cachedTokens,
        double cost) {
}
