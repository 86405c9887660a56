package io.tunebook.eval.judge;

/**
 * How the judge is asked: immutable, built with {@link #builder()}.
 *
 * @param maxTokens room for the judge's explanation and verdict
 * @param temperature 0 (the default) makes verdicts repeatable and cacheable
 * @param parallelism how many calls run at once (the backend may limit further)
 */
public record JudgeSettings(int maxTokens, double temperature, int parallelism) {
    public JudgeSettings {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 1024 tokens, temperature 0, 4 calls at once. */
    public static final class Builder {
        private int maxTokens = 1024;
        private double temperature = 0;
        private int parallelism = 4;

        public Builder maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        public Builder parallelism(int n) {
            this.parallelism = n;
            return this;
        }

        public JudgeSettings build() {
            return new JudgeSettings(maxTokens, temperature, parallelism);
        }
    }
}
