package io.tunebook.model;

import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Message;
import java.util.List;

/**
 * Turns chat messages into the text a causal model continues with the assistant's answer. A
 * model's own chat template is the right renderer when it has one ({@link #forTokenizer});
 * {@link #transcript()} serves base models without one.
 */
public interface PromptRenderer {
    /** The prompt, ending where the assistant's answer begins. */
    String render(List<Message> messages);

    /**
     * Text that marks the end of the assistant's turn in this format: the start of the next turn,
     * or an end-of-turn special token such as {@code <|im_end|>}.
     */
    List<String> stopStrings();

    /**
     * Whether the tokenizer adds its special tokens (BOS) when the prompt is encoded: true for plain
     * text, false for a chat template, which prints the ones it wants.
     */
    default boolean addSpecialTokens() {
        return true;
    }

    /** The Alpaca-style transcript of {@link TranscriptRenderer#ALPACA}. */
    static PromptRenderer transcript() {
        return TranscriptRenderer.ALPACA;
    }

    /** The tokenizer's own chat template, or the {@link #transcript()} when it has none. */
    static PromptRenderer forTokenizer(Tokenizer tokenizer) {
        return tokenizer.chatTemplate()
                .<PromptRenderer>map(source -> new ChatTemplateRenderer(ChatTemplate.of("chat_template of "
                        + tokenizer.directory(), source), tokenizer.specialTokens()))
                .orElse(transcript());
    }

    /** A built-in chat template ({@link ChatTemplate#BUILT_IN}) with the tokenizer's special tokens. */
    static PromptRenderer builtIn(String name, Tokenizer tokenizer) {
        return new ChatTemplateRenderer(ChatTemplate.builtIn(name), tokenizer.specialTokens());
    }
}
