package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatTemplateTest {
    static final Path DIR = Path.of("src/test/resources/chat-templates");

    static final List<Message> MULTI_TURN = List.of(
            Message.system("Tu es un assistant."),
            Message.user("Bonjour"),
            Message.assistant("Bonjour ! Que puis-je faire ?"),
            Message.user("Où est ma commande ?"),
            Message.assistant("Elle arrive demain."));

    /** Every rendering of reference.json, made by jinja2 with transformers' settings (see the recipe script). */
    static Stream<Arguments> jinja2Renderings() throws IOException {
        JsonObject spec = JsonParser.parseString(Files.readString(DIR.resolve("cases.json"))).getAsJsonObject();
        JsonObject ref = JsonParser.parseString(Files.readString(DIR.resolve("reference.json"))).getAsJsonObject();
        List<Arguments> out = new ArrayList<>();
        for (JsonElement e : ref.getAsJsonArray("renderings")) {
            JsonObject c = e.getAsJsonObject();
            String template = c.get("template").getAsString();
            List<Message> messages = new ArrayList<>();
            for (JsonElement m : spec.getAsJsonObject("conversations").getAsJsonArray(c.get("conversation").getAsString())) {
                JsonObject o = m.getAsJsonObject();
                messages.add(new Message(Role.parse(o.get("role").getAsString()).orElseThrow(), o.get("content").getAsString()));
            }
            Map<String, Object> variables = new HashMap<>(javaMap(spec.getAsJsonObject("special_tokens").getAsJsonObject(template)));
            if (c.has("kwargs")) {
                variables.putAll(javaMap(c.getAsJsonObject("kwargs")));
            }
            boolean generationPrompt = c.has("add_generation_prompt") && c.get("add_generation_prompt").getAsBoolean();
            String expected = c.has("rendered") ? c.get("rendered").getAsString() : null;
            String error = c.has("error") ? c.get("error").getAsString() : null;
            out.add(Arguments.of(template + " " + c.get("conversation").getAsString()
                    + (generationPrompt ? " +generation prompt" : "") + (c.has("kwargs") ? " " + c.get("kwargs") : ""),
                    template, messages, generationPrompt, variables, expected, error));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jinja2Renderings")
    void rendersAsJinja2Does(String title, String template, List<Message> messages, boolean generationPrompt,
            Map<String, Object> variables, String expected, String error) throws IOException {
        ChatTemplate t = ChatTemplate.of(template, Files.readString(DIR.resolve(template + ".jinja")));
        if (error != null) {
            ChatTemplateException e = assertThrows(ChatTemplateException.class,
                    () -> t.render(messages, generationPrompt, variables));
            assertEquals("chat template " + template + " refused the conversation: " + error, e.getMessage());
        } else {
            assertEquals(expected, t.render(messages, generationPrompt, variables));
        }
    }

    private static Map<String, Object> javaMap(JsonObject o) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            out.put(e.getKey(), javaValue(e.getValue()));
        }
        return out;
    }

    private static Object javaValue(JsonElement e) {
        if (e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            return javaMap(e.getAsJsonObject());
        }
        if (e.isJsonArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonElement item : (JsonArray) e) {
                out.add(javaValue(item));
            }
            return out;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            double d = p.getAsDouble();
            return d == Math.rint(d) && !p.getAsString().contains(".") ? (Object) p.getAsLong() : (Object) d;
        }
        return p.getAsString();
    }

    static final Map<String, Object> LLAMA_TOKENS = Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>");

    @Test
    void builtInChatmlRendersKnownStrings() throws IOException {
        ChatTemplate chatml = ChatTemplate.builtIn("chatml");
        assertEquals(Files.readString(DIR.resolve("chatml.jinja")), chatml.source(), "the template jinja2 rendered");
        assertEquals("<|im_start|>system\nTu es un assistant.<|im_end|>\n"
                + "<|im_start|>user\nBonjour<|im_end|>\n"
                + "<|im_start|>assistant\nBonjour ! Que puis-je faire ?<|im_end|>\n"
                + "<|im_start|>user\nOù est ma commande ?<|im_end|>\n"
                + "<|im_start|>assistant\nElle arrive demain.<|im_end|>\n", chatml.render(MULTI_TURN, false, Map.of()));
        assertEquals("<|im_start|>system\nTu es un assistant.<|im_end|>\n"
                + "<|im_start|>user\nBonjour<|im_end|>\n"
                + "<|im_start|>assistant\n", chatml.render(MULTI_TURN.subList(0, 2), true, Map.of()));
    }

    @Test
    void builtInLlama3RendersKnownStrings() throws IOException {
        ChatTemplate llama3 = ChatTemplate.builtIn("llama3");
        assertEquals(Files.readString(DIR.resolve("llama3.jinja")), llama3.source(), "the template jinja2 rendered");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nTu es un assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBonjour<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nBonjour ! Que puis-je faire ?<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nOù est ma commande ?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nElle arrive demain.<|eot_id|>",
                llama3.render(MULTI_TURN, false, LLAMA_TOKENS));
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nBonjour<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                llama3.render(List.of(Message.user("  Bonjour\n")), true, LLAMA_TOKENS));
    }

    @Test
    void builtInMistralAndAlpacaRenderKnownStrings() {
        Map<String, Object> tokens = Map.of("bos_token", "<s>", "eos_token", "</s>");
        assertEquals("<s>[INST] Tu es un assistant.\n\nBonjour [/INST]Bonjour ! Que puis-je faire ?</s>"
                + "[INST] Où est ma commande ? [/INST]Elle arrive demain.</s>",
                ChatTemplate.builtIn("mistral").render(MULTI_TURN, false, tokens));
        assertEquals("<s>Tu es un assistant.\n\n### Instruction:\nBonjour\n\n### Response:\n"
                + "Bonjour ! Que puis-je faire ?</s>\n\n### Instruction:\nOù est ma commande ?\n\n### Response:\n",
                ChatTemplate.builtIn("alpaca").render(MULTI_TURN.subList(0, 4), true, tokens));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.builtIn("zephyr"));
        assertEquals("unknown built-in chat template 'zephyr'; choose one of chatml, llama3, mistral, alpaca",
                e.getMessage());
    }

    @Test
    void errorsNameTheTemplateAndLine() {
        ChatTemplate broken = ChatTemplate.of("broken.jinja", "line one\n{% for m in messages %}{{ m.content | nosuchfilter }}"
                + "{% endfor %}");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> broken.render(MULTI_TURN, false, Map.of()));
        assertTrue(e.getMessage().startsWith("chat template broken.jinja, line 2: "), e.getMessage());
        assertEquals("chat template broken.jinja, line 2: no filter named 'nosuchfilter'", e.getMessage());
        ChatTemplate test = ChatTemplate.of("test.jinja", "{% if messages is nosuchtest %}x{% endif %}");
        assertEquals("chat template test.jinja, line 1: no test named 'nosuchtest'",
                assertThrows(ChatTemplateException.class, () -> test.render(MULTI_TURN, false, Map.of())).getMessage());
        ChatTemplate unclosed = ChatTemplate.of("unclosed.jinja", "{% for m in messages %}{{ m.content }}");
        assertTrue(assertThrows(ChatTemplateException.class, () -> unclosed.render(MULTI_TURN, false, Map.of()))
                .getMessage().startsWith("chat template unclosed.jinja, line 1: "));
        assertThrows(IllegalArgumentException.class, () -> broken.render(MULTI_TURN, false, Map.of("messages", 1)));
    }

    @Test
    void strftimeNowAndGenerationBlocks() {
        ChatTemplate t = ChatTemplate.of("dated", "{% generation %}Today Date: {{ strftime_now('%d %b %Y') }}"
                + "{% endgeneration %}");
        String before = "Today Date: " + LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH));
        String rendered = t.render(List.of(), false, Map.of());
        String after = "Today Date: " + LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH));
        assertTrue(rendered.equals(before) || rendered.equals(after), rendered);
    }
}
