package io.tunebook.eval.client;

import io.tunebook.data.Message;
import java.util.List;

/**
 * Turns chat messages into the text a causal model continues with the assistant's answer. A
 * model's own chat template is the right renderer when it has one; {@link #transcript()} serves
 * base models without one.
 */
public interface PromptRenderer {
    /** The prompt, ending where the assistant's answer begins. */
    String render(List<Message> messages);

    /** Text that marks the end of the assistant's turn in this format (the start of the next turn). */
    List<String> stopStrings();

    /** The Alpaca-style transcript of {@link TranscriptRenderer#ALPACA}. */
    static PromptRenderer transcript() {
        return TranscriptRenderer.ALPACA;
    }
}
