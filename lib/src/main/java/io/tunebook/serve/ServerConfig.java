package io.tunebook.serve;

import io.tunebook.eval.client.PromptRenderer;
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
 */
public record ServerConfig(String modelId, String host, int port, int maxTokens, int defaultMaxTokens,
        int queueCapacity, int maxPrompts, int maxRequestBytes, Duration drainTimeout, Optional<PromptRenderer> renderer) {

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
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (defaultMaxTokens < 1 || defaultMaxTokens > maxTokens) {
            throw new IllegalArgumentException("defaultMaxTokens must be in [1, maxTokens=" + maxTokens + "], got "
                    + defaultMaxTokens);
        }
        if (queueCapacity < 1 || maxPrompts < 1 || maxRequestBytes < 1) {
            throw new IllegalArgumentException("queueCapacity, maxPrompts and maxRequestBytes must be positive");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative, got " + drainTimeout);
        }
    }

    public static Builder builder(String modelId) {
        return new Builder(modelId);
    }

    /**
     * Defaults: 127.0.0.1:8000, answers of at most 1024 tokens and 256 when unsaid, 64 queued requests,
     * 8 prompts a batch, 1 MiB bodies, 30 s to drain, chat rendered by the model's own template (the
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

        public Builder renderer(PromptRenderer r) {
            this.renderer = Optional.of(r);
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(modelId, host, port, maxTokens, defaultMaxTokens, queueCapacity, maxPrompts,
                    maxRequestBytes, drainTimeout, renderer);
        }
    }
}
