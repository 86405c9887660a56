package io.tunebook.eval.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link OpenAiClient} talks to an OpenAI-compatible endpoint: immutable, built with
 * {@link #builder(String, String)}.
 *
 * @param baseUrl the API root that {@code /chat/completions} is appended to, e.g. {@code http://127.0.0.1:8000/v1}
 * @param model the {@code model} field of each request
 * @param apiKeyEnv the environment variable holding the API key; empty for endpoints without one (a local server)
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for a whole answer; a timeout is retried like a 5xx
 * @param maxRetries how many times a 429, a 5xx, a timeout or an I/O error is retried
 * @param initialBackoff the wait before the first retry, doubled at each further one (with jitter)
 * @param maxBackoff the longest wait between attempts, {@code Retry-After} included
 * @param maxConcurrency how many requests may be in flight at once, across threads
 * @param pricing what the tokens cost
 * @param cacheDir where answers are kept so that asking again costs nothing; empty for no cache
 */
public record OpenAiClientConfig(URI baseUrl, String model, Optional<String> apiKeyEnv, Duration connectTimeout,
        Duration requestTimeout, int maxRetries, Duration initialBackoff, Duration maxBackoff, int maxConcurrency,
        Pricing pricing, Optional<Path> cacheDir) {

    public OpenAiClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(pricing, "pricing");
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http(s) URL with a host, got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (apiKeyEnv.isPresent() && apiKeyEnv.get().isBlank()) {
            throw new IllegalArgumentException("apiKeyEnv must name an environment variable");
        }
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, got " + maxConcurrency);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** The chat completions endpoint under {@link #baseUrl}. */
    public URI chatCompletionsUri() {
        String root = baseUrl.toString();
        return URI.create((root.endsWith("/") ? root : root + "/") + "chat/completions");
    }

    public static Builder builder(String baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    /**
     * Defaults: no API key, 10 s to connect, 120 s per answer, 5 retries starting at 1 s and waiting
     * at most 60 s, 4 requests at once, free, no cache.
     */
    public static final class Builder {
        private final String baseUrl;
        private final String model;
        private Optional<String> apiKeyEnv = Optional.empty();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(120);
        private int maxRetries = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private int maxConcurrency = 4;
        private Pricing pricing = Pricing.FREE;
        private Optional<Path> cacheDir = Optional.empty();

        private Builder(String baseUrl, String model) {
            this.baseUrl = baseUrl;
            this.model = model;
        }

        /** The name of the environment variable with the key (e.g. {@code OPENAI_API_KEY}), never the key itself. */
        public Builder apiKeyEnv(String variable) {
            this.apiKeyEnv = Optional.of(variable);
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        public Builder initialBackoff(Duration d) {
            this.initialBackoff = d;
            return this;
        }

        public Builder maxBackoff(Duration d) {
            this.maxBackoff = d;
            return this;
        }

        public Builder maxConcurrency(int n) {
            this.maxConcurrency = n;
            return this;
        }

        public Builder pricing(Pricing p) {
            this.pricing = p;
            return this;
        }

        public Builder cacheDir(Path dir) {
            this.cacheDir = Optional.of(dir);
            return this;
        }

        public OpenAiClientConfig build() {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl is not a URL: " + baseUrl, e);
            }
            return new OpenAiClientConfig(uri, model, apiKeyEnv, connectTimeout, requestTimeout, maxRetries,
                    initialBackoff, maxBackoff, maxConcurrency, pricing, cacheDir);
        }
    }
}
