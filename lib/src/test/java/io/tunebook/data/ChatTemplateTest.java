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
import java.util.List;
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
}
