package io.tunebook.eval.client;

import io.tunebook.data.Message;
import java.util.List;
import java.util.OptionalLong;

/**
 * What to ask a chat model: immutable, built with {@link #builder()}.
 *
 * @param maxTokens the most tokens the answer may have
 * @param temperature 0 asks for greedy decoding, the usual choice for a judge
 * @param stop strings that end the answer (at most 4, as OpenAI allows)
 * @param seed asks endpoints that support it for reproducible sampling
 * @param choices when not empty, the only answers the asker can use (a judge's {@code [[A]]}, {@code [[B]]},
 *     {@code [[C]]}): a backend that scores them (a {@link LocalChatBackend#scoringChoices() local model asked to})
 *     answers the likeliest at once; any other generates freely, and the asker reads its answer as usual
 */
public record ChatRequest(List<Message> messages, int maxTokens, double temperature, List<String> stop,
        OptionalLong seed, List<String> choices) {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        choices = List.copyOf(choices);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
        if (stop.size() > 4 || stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("at most 4 stop strings, none empty: " + stop);
        }
        if (choices.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a choice must not be empty: " + choices);
        }
    }

    public static ChatRequest of(Message... messages) {
        return builder().messages(List.of(messages)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 512 tokens, temperature 0, no stop strings, no seed, any answer. */
    public static final class Builder {
        private List<Message> messages = List.of();
        private int maxTokens = 512;
        private double temperature = 0;
        private List<String> stop = List.of();
        private OptionalLong seed = OptionalLong.empty();
        private List<String> choices = List.of();

        public Builder messages(List<Message> messages) {
            this.messages = messages;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder stop(String... stop) {
            this.stop = List.of(stop);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        public Builder choices(String... choices) {
            this.choices = List.of(choices);
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(messages, maxTokens, temperature, stop, seed, choices);
        }
    }
}
