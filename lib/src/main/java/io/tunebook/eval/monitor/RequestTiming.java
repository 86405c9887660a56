package io.tunebook.eval.monitor;

/**
 * One request as the client saw it.
 *
 * @param latencyMs from sending the request to the last byte of the answer
 * @param firstTokenMs from sending it to the first piece of answer text (time to first token); NaN when the
 *        answer had no text
 * @param promptTokens the prompt's tokens as the server counted them
 * @param completionTokens the answer's tokens as the server counted them
 * @param answer the answer's text
 */
public record RequestTiming(double latencyMs, double firstTokenMs, long promptTokens, long completionTokens,
        String answer) {
}
