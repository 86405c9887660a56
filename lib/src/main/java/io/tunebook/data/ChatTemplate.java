package io.tunebook.data;

import io.tunebook.data.jinja.HfJinja;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Jinja chat template, rendered with the semantics of transformers' {@code apply_chat_template}
 * (see {@link HfJinja}): the variables are {@code messages} (a list of {@code {role, content}}),
 * {@code add_generation_prompt}, the tokenizer's special tokens ({@code bos_token},
 * {@code eos_token}, ...) and any extra keyword arguments, and {@code tools}/{@code documents}
 * are none.
 *
 * <p>Use the model's own template ({@code chat_template} of {@code tokenizer_config.json}); for a
 * model without one, a built-in template by name: {@code chatml}, {@code llama3} (Llama 3
 * Instruct), {@code mistral} (Mistral-Instruct v0.1/v0.2, system message before the first user
 * message) or {@code alpaca} (Stanford Alpaca's instruction/response prompt).
 */
public final class ChatTemplate {
    /** Names {@link #builtIn} accepts. */
    public static final List<String> BUILT_IN = List.of("chatml", "llama3", "mistral", "alpaca");

    private final String name;
    private final String source;

    private ChatTemplate(String name, String source) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * A template from its Jinja source.
     *
     * @param name how errors refer to it, e.g. "tokenizer_config.json of models/x"
     */
    public static ChatTemplate of(String name, String source) {
        return new ChatTemplate(name, source);
    }

    /** One of the {@link #BUILT_IN} templates. */
    public static ChatTemplate builtIn(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("unknown built-in chat template '" + name + "'; choose one of "
                    + String.join(", ", BUILT_IN));
        }
        try (InputStream in = ChatTemplate.class.getResourceAsStream("chat-templates/" + name + ".jinja")) {
            return new ChatTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in chat template " + name, e);
        }
    }

    public String name() {
        return name;
    }

    /** The Jinja source. */
    public String source() {
        return source;
    }

    /**
     * Renders {@code messages}.
     *
     * @param addGenerationPrompt append what opens an assistant turn (a prompt for generation)
     * @param variables special tokens ({@code bos_token}, {@code eos_token}, ...) and extra keyword
     *        arguments such as {@code date_string}; they may not override {@code messages} or
     *        {@code add_generation_prompt}
     * @throws ChatTemplateException naming this template when it fails or refuses the conversation
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
        for (String reserved : List.of("messages", "add_generation_prompt")) {
            if (variables.containsKey(reserved)) {
                throw new IllegalArgumentException("'" + reserved + "' is set by render itself, not by variables");
            }
        }
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("tools", null);
        bindings.put("documents", null);
        bindings.putAll(variables);
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("role", m.role().openAiName());
            item.put("content", m.content());
            list.add(item);
        }
        bindings.put("messages", list);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        return HfJinja.render(name, source, bindings);
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + name + "]";
    }
}
