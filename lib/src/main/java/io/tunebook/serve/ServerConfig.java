package io.tunebook.serve;

import io.tunebook.model.PromptRenderer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link OpenAiServer} listens and bounds its work: immutable, built with {@link #builder(String)}.
 *
 * @param modelId the id {@code /v1/models} lists and requests name
 * @param host the address to bind; loopback by default so that nothing outside the machine can reach the model
 * @param port 0 picks a free port
 * @param maxTokens the most tokens one answer may have; a larger {@code max_tokens} is lowered to it (and to
 *     what the context leaves after the prompt)
 * @param defaultMaxTokens the answer length when a request gives no {@code max_tokens}
 * @param queueCapacity requests that may wait for the generation worker; one more gets 429
 * @param maxPrompts the most prompts one {@code /v1/completions} request may batch
 * @param maxRequestBytes the largest request body; a larger one gets 413
 * @param drainTimeout how long {@link OpenAiServer#close()} lets queued and running requests finish before
 *     cancelling them
 * @param renderer how chat messages become a prompt; empty for the model's own chat template, or the Alpaca-style
 *     transcript when it has none
 * @param apiKey the key every request must carry as {@code Authorization: Bearer KEY}; required to bind beyond
 *     loopback
 * @param maxConnections connections served at once (each holds a thread while its request is read); more wait
 * @param requestTimeout how long a client has to send its request line, headers and body; a slower one is cut off
 *     (so clients that drip bytes cannot hold the connections others need)
 * @param maxBatch the most prompts decoding together: requests that arrive while others decode join them at the
 *     next token while there is room, and wait in the queue otherwise
 */
public record ServerConfig(String modelId, String host, int port, int maxTokens, int defaultMaxTokens,
        int queueCapacity, int maxPrompts, int maxRequestBytes, Duration drainTimeout, Optional<PromptRenderer> renderer,
        Optional<String> apiKey, int maxConnections, Duration requestTimeout, int maxBatch) {
    /** Largest {@code maxTokens} accepted. */
    public static final int MAX_TOKENS_LIMIT = 1 << 17;
    /** Largest {@code queueCapacity} accepted. */
    public static final int MAX_QUEUE = 4096;
    /** Shortest API key accepted. */
    public static final int MIN_API_KEY_LENGTH = 8;
    /** Longest {@code requestTimeout} accepted. */
    public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofHours(1);

    public ServerConfig {
        Objects.requireNonNull(renderer, "renderer");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
            throw new IllegalArgumentException("maxTokens must be in [1, " + MAX_TOKENS_LIMIT + "], got " + maxTokens);
        }
        if (queueCapacity > MAX_QUEUE) {
            throw new IllegalArgumentException("queueCapacity must be at most " + MAX_QUEUE + ", got " + queueCapacity);
        }
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isPresent() && (apiKey.get().length() < MIN_API_KEY_LENGTH || apiKey.get().isBlank()
                || !apiKey.get().chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("the API key must be at least " + MIN_API_KEY_LENGTH
                    + " printable ASCII characters without spaces");
        }
        if (apiKey.isEmpty() && !isLoopback(host)) {
            throw new IllegalArgumentException("binding " + host + " opens the server beyond this machine: give an API key"
                    + " (--api-key or TUNEBOOK_API_KEY)");
        }
        if (maxConnections < 1 || maxConnections > 10_000) {
            throw new IllegalArgumentException("maxConnections must be in [1, 10000], got " + maxConnections);
        }
        if (maxBatch < 1 || maxBatch > 256) {
            throw new IllegalArgumentException("maxBatch must be in [1, 256], got " + maxBatch);
        }
        if (defaultMaxTokens < 1 || defaultMaxTokens > maxTokens) {
            throw new IllegalArgumentException("defaultMaxTokens must be in [1, maxTokens=" + maxTokens + "], got "
                    + defaultMaxTokens);
        }
        if (queueCapacity < 1 || maxPrompts < 1 || maxRequestBytes < 1) {
            throw new IllegalArgumentException("queueCapacity, maxPrompts and maxRequestBytes must be positive");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0 || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("requestTimeout must be from 1 s to " + MAX_REQUEST_TIMEOUT.toSeconds()
                    + " s, got " + requestTimeout);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative, got " + drainTimeout);
        }
    }

    /** Says whether a key is set, never the key. */
    @Override
    public String toString() {
        return "ServerConfig[" + modelId + " at " + host + ":" + port + ", maxTokens " + maxTokens + ", queue "
                + queueCapacity + ", batch " + maxBatch + ", connections " + maxConnections + ", API key "
                + (apiKey.isPresent() ? "set" : "none") + "]";
    }

    /** Whether {@code host} names this machine only: localhost, 127.x.x.x or ::1. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    public static Builder builder(String modelId) {
        return new Builder(modelId);
    }

    /**
     * Defaults: 127.0.0.1:8000, answers of at most 1024 tokens and 256 when unsaid, 64 queued requests,
     * 8 prompts a request, 16 prompts decoding together, 1 MiB bodies, 30 s to send a request, 30 s to drain, 256 connections, no API key, chat rendered by the model's own template (the
     * Alpaca-style transcript for a model without one).
     */
    public static final class Builder {
        private final String modelId;
        private String host = "127.0.0.1";
        private int port = 8000;
        private int maxTokens = 1024;
        private int defaultMaxTokens = 256;
        private int queueCapacity = 64;
        private int maxPrompts = 8;
        private int maxRequestBytes = 1 << 20;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private Optional<PromptRenderer> renderer = Optional.empty();
        private Optional<String> apiKey = Optional.empty();
        private int maxConnections = 256;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxBatch = 16;

        private Builder(String modelId) {
            this.modelId = modelId;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Also lowers the default answer length when it would exceed {@code n}. */
        public Builder maxTokens(int n) {
            this.maxTokens = n;
            this.defaultMaxTokens = Math.min(defaultMaxTokens, n);
            return this;
        }

        public Builder defaultMaxTokens(int n) {
            this.defaultMaxTokens = n;
            return this;
        }

        public Builder queueCapacity(int n) {
            this.queueCapacity = n;
            return this;
        }

        public Builder maxPrompts(int n) {
            this.maxPrompts = n;
            return this;
        }

        public Builder maxRequestBytes(int n) {
            this.maxRequestBytes = n;
            return this;
        }

        public Builder drainTimeout(Duration d) {
            this.drainTimeout = d;
            return this;
        }

        /** The key clients must send as {@code Authorization: Bearer KEY}; null for none (loopback only). */
        public Builder apiKey(String key) {
            this.apiKey = Optional.ofNullable(key);
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder maxBatch(int n) {
            this.maxBatch = n;
            return this;
        }

        public Builder renderer(PromptRenderer r) {
            this.renderer = Optional.of(r);
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(modelId, host, port, maxTokens, defaultMaxTokens, queueCapacity, maxPrompts,
                    maxRequestBytes, drainTimeout, renderer, apiKey, maxConnections, requestTimeout, maxBatch);
        }
    }
}
