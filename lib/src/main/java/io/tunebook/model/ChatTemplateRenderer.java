package io.tunebook.model;

import io.tunebook.data.ChatTemplate;
import io.tunebook.data.ChatTemplateException;
import io.tunebook.data.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a chat with a Jinja chat template, as transformers' {@code apply_chat_template(...,
 * add_generation_prompt=True)} does: the model's own template (the one it was fine-tuned with) or a
 * {@link ChatTemplate#BUILT_IN built-in} for a model without one. The template prints the special
 * tokens it wants (a BOS among them), so the prompt is encoded without adding any, as supervised
 * fine-tuning encoded it.
 *
 * <p>The end of an assistant turn is read off the template itself: a one-exchange conversation is
 * rendered and what follows the answer, up to the whitespace the template puts between turns, is the
 * end-of-turn text ({@code <|im_end|>} for ChatML, {@code <|eot_id|>} for Llama 3, {@code </s>} for
 * Mistral); none when the template writes nothing there.
 */
public final class ChatTemplateRenderer implements PromptRenderer {
    private static final String PROBE = "tunebook-end-of-turn-probe";

    private final ChatTemplate template;
    private final Map<String, String> specialTokens;
    private final List<String> endOfTurn;

    /** @param specialTokens the tokenizer's {@code bos_token}, {@code eos_token}, ... that the template may print */
    public ChatTemplateRenderer(ChatTemplate template, Map<String, String> specialTokens) {
        this.template = Objects.requireNonNull(template, "template");
        this.specialTokens = Map.copyOf(specialTokens);
        this.endOfTurn = endOfTurn(template, this.specialTokens);
    }

    public ChatTemplate template() {
        return template;
    }

    @Override
    public String render(List<Message> messages) {
        return template.render(messages, true, specialTokens);
    }

    /** The template's end-of-turn text, or nothing. */
    @Override
    public List<String> stopStrings() {
        return endOfTurn;
    }

    @Override
    public boolean addSpecialTokens() {
        return false;
    }

    private static List<String> endOfTurn(ChatTemplate template, Map<String, String> specialTokens) {
        String rendered;
        try {
            rendered = template.render(List.of(Message.user("?"), Message.assistant(PROBE)), false, specialTokens);
        } catch (ChatTemplateException e) {
            throw new ChatTemplateException("chat template " + template.name() + " cannot render a user message and "
                    + "an answer, so it cannot serve a chat: " + e.getMessage(), e);
        }
        int at = rendered.lastIndexOf(PROBE);
        if (at < 0) {
            throw new ChatTemplateException("chat template " + template.name() + " drops the assistant's answer");
        }
        String after = rendered.substring(at + PROBE.length()).strip();
        int gap = after.indexOf('\n');
        String stop = (gap < 0 ? after : after.substring(0, gap)).strip();
        return stop.isEmpty() ? List.of() : List.of(stop);
    }

    @Override
    public String toString() {
        return "ChatTemplateRenderer[" + template.name() + "]";
    }
}
