package io.tunebook.model;

/**
 * One decoded sequence.
 *
 * @param text the generated text only (not the prompt), cut before a stop string
 * @param ids the generated token ids, including a final EOS id when one ended the sequence
 */
public record GenerationResult(String text, long[] promptIds, long[] ids, FinishReason finishReason) {

    public enum FinishReason {
        /** An end-of-sequence token was produced. */
        EOS,
        /** The text reached one of the stop strings. */
        STOP_STRING,
        /** {@code maxNewTokens} were produced. */
        LENGTH
    }
}
