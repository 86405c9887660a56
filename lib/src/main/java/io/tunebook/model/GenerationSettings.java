package io.tunebook.model;

import java.util.List;
import java.util.Optional;

/**
 * How to decode: immutable, built with {@link #builder()}. A temperature of 0 means greedy
 * decoding, which is deterministic; otherwise tokens are sampled with the seeded generator after the
 * repetition penalty, temperature, top-k and top-p are applied in that order (as transformers does).
 *
 * @param stopStrings generation ends when the text contains one of these; it is cut before the stop string
 * @param eosTokenIds ids that end a sequence; empty means the model's own (generation_config.json)
 */
public record GenerationSettings(
        int maxNewTokens,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        List<String> stopStrings,
        Optional<List<Long>> eosTokenIds,
        long seed) {

    public GenerationSettings {
        stopStrings = List.copyOf(stopStrings);
        eosTokenIds = eosTokenIds.map(List::copyOf);
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or positive, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be 0 (off) or positive, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be positive (1 = off), got " + repetitionPenalty);
        }
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public static GenerationSettings greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNewTokens = maxNewTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.repetitionPenalty = repetitionPenalty;
        b.stopStrings = stopStrings;
        b.eosTokenIds = eosTokenIds;
        b.seed = seed;
        return b;
    }

    /** Defaults: 128 new tokens, greedy, no top-k/top-p filtering, no repetition penalty, seed 42. */
    public static final class Builder {
        private int maxNewTokens = 128;
        private double temperature = 0;
        private int topK = 0;
        private double topP = 1.0;
        private double repetitionPenalty = 1.0;
        private List<String> stopStrings = List.of();
        private Optional<List<Long>> eosTokenIds = Optional.empty();
        private long seed = 42;

        public Builder maxNewTokens(int n) {
            this.maxNewTokens = n;
            return this;
        }

        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        public Builder topP(double p) {
            this.topP = p;
            return this;
        }

        public Builder repetitionPenalty(double penalty) {
            this.repetitionPenalty = penalty;
            return this;
        }

        public Builder stopStrings(String... stops) {
            this.stopStrings = List.of(stops);
            return this;
        }

        public Builder eosTokenIds(List<Long> ids) {
            this.eosTokenIds = Optional.of(ids);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public GenerationSettings build() {
            return new GenerationSettings(maxNewTokens, temperature, topK, topP, repetitionPenalty, stopStrings,
                    eosTokenIds, seed);
        }
    }
}
