package io.tunebook.eval.monitor;

import java.util.List;
import java.util.Optional;

/**
 * What a load of requests measured: latency and time-to-first-token percentiles, and throughput over
 * the load's wall time (generated tokens per second, requests per second).
 *
 * @param requests each request's timing, in the order they were sent
 * @param wallSeconds from the first request sent to the last answer received
 * @param concurrency requests in flight at once
 */
public record ServingStats(List<RequestTiming> requests, double wallSeconds, int concurrency) {
    public ServingStats {
        requests = List.copyOf(requests);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no requests measured");
        }
        if (!(wallSeconds > 0)) {
            throw new IllegalArgumentException("wallSeconds must be positive, got " + wallSeconds);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
    }

    public LatencyStats latency() {
        return LatencyStats.of(requests.stream().map(RequestTiming::latencyMs).toList());
    }

    /** Time to first token, over the requests whose answer had text; empty when none had. */
    public Optional<LatencyStats> firstToken() {
        List<Double> ttft = requests.stream().map(RequestTiming::firstTokenMs).filter(v -> !v.isNaN()).toList();
        return ttft.isEmpty() ? Optional.empty() : Optional.of(LatencyStats.of(ttft));
    }

    public long completionTokens() {
        return requests.stream().mapToLong(RequestTiming::completionTokens).sum();
    }

    /** Generated tokens per second of wall time, all requests together. */
    public double tokensPerSecond() {
        return completionTokens() / wallSeconds;
    }

    public double requestsPerSecond() {
        return requests.size() / wallSeconds;
    }
}
