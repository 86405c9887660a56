package io.tunebook.eval.client;

/** Thread-safe running totals of requests, tokens and cost. */
final class UsageMeter {
    private final Pricing pricing;
    private long requests;
    private long retries;
    private long cacheHits;
    private TokenUsage billed = TokenUsage.NONE;
    private TokenUsage cached = TokenUsage.NONE;

    UsageMeter(Pricing pricing) {
        this.pricing = pricing;
    }

    synchronized void requestSent(boolean retry) {
        requests++;
        if (retry) {
            retries++;
        }
    }

    synchronized void answered(ChatResponse response) {
        if (response.cached()) {
            cacheHits++;
            cached = cached.plus(response.usage());
        } else {
            billed = billed.plus(response.usage());
        }
    }

    synchronized UsageReport report() {
        return new UsageReport(requests, retries, cacheHits, billed, cached, pricing.cost(billed));
    }
}
