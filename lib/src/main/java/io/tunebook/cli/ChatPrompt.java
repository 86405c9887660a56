package io.tunebook.cli;

import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Message;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A one-turn chat prompt rendered with the model's chat template, and the ids that end the answer:
 * the model's end-of-sequence ids plus the template's end-of-turn token (ChatML's {@code <|im_end|>},
 * Llama 3's {@code <|eot_id|>}), which is what a model fine-tuned on that template learns to emit.
 */
record ChatPrompt(String text, List<Long> endIds) {
    private static final String MARK = "\u0001tunebook\u0001";

    static ChatPrompt of(CausalLM model, String system, String user) {
        Tokenizer tokenizer = model.tokenizer();
        ChatTemplate template = ChatTemplate.of("chat_template", tokenizer.chatTemplate().orElseThrow(() ->
                new UsageException("generate: " + tokenizer.directory() + " has no chat_template; drop --chat")));
        List<Message> messages = new ArrayList<>();
        if (system != null) {
            messages.add(Message.system(system));
        }
        messages.add(Message.user(user));
        String text = template.render(messages, true, Map.of());
        List<Long> end = new ArrayList<>();
        model.generationConfig().eosTokenIds().forEach(id -> end.add(id.longValue()));
        messages.add(Message.assistant(MARK));
        String probe = template.render(messages, false, Map.of());
        String after = probe.substring(probe.indexOf(MARK) + MARK.length());
        long[] ids = tokenizer.encode(after, false);
        if (ids.length > 0 && tokenizer.specialIds().contains(ids[0]) && !end.contains(ids[0])) {
            end.add(ids[0]);
        }
        return new ChatPrompt(text, end);
    }
}
