package io.tunebook.model;

import io.tunebook.data.Message;
import java.util.List;
import java.util.Objects;

/**
 * A plain transcript for models without a chat template: the system message as a preamble, then
 * each turn under its header, ending with the assistant header. The Alpaca headers match the
 * {@code support-fr} and {@code extract-json} datasets, so a model tuned on them answers in kind.
 *
 * @param userHeader line that opens a user turn
 * @param assistantHeader line that opens an assistant turn; the prompt ends with it
 */
public record TranscriptRenderer(String userHeader, String assistantHeader) implements PromptRenderer {
    /** {@code ### Instruction:} and {@code ### Response:}, as Alpaca prompts write them. */
    public static final TranscriptRenderer ALPACA = new TranscriptRenderer("### Instruction:", "### Response:");

    public TranscriptRenderer {
        Objects.requireNonNull(userHeader, "userHeader");
        Objects.requireNonNull(assistantHeader, "assistantHeader");
        if (userHeader.isBlank() || assistantHeader.isBlank()) {
            throw new IllegalArgumentException("transcript headers must not be blank");
        }
    }

    @Override
    public String render(List<Message> messages) {
        StringBuilder b = new StringBuilder();
        for (Message m : messages) {
            switch (m.role()) {
                case SYSTEM -> b.append(m.content().strip()).append("\n\n");
                case USER -> b.append(userHeader).append('\n').append(m.content().strip()).append("\n\n");
                case ASSISTANT -> b.append(assistantHeader).append('\n').append(m.content().strip()).append("\n\n");
            }
        }
        return b.append(assistantHeader).append('\n').toString();
    }

    /** The next user header: a base model that runs on writes one. */
    @Override
    public List<String> stopStrings() {
        return List.of("\n" + userHeader, "\n" + assistantHeader);
    }
}
