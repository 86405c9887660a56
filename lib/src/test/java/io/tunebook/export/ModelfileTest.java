package io.tunebook.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Modelfile's TEMPLATE, rendered as Ollama renders it (Go's text/template: {@link GoTemplate})
 * with Ollama's data (every message in {@code .Messages}, system ones included, and {@code .System}),
 * must give the text the model's Jinja template gives (tunebook renders Jinja as transformers does,
 * and as llama.cpp does: LlamaCppExportTest) without the BOS token, which llama.cpp adds when it
 * tokenizes. Real templates: tiny-base's ChatML, Qwen2.5-Instruct's (with a system message: without
 * one Qwen inserts its default, which the Modelfile leaves to SYSTEM), Llama-3-Instruct's, and the
 * Mistral-Instruct format with a system message before the first user turn.
 */
class ModelfileTest {
    static final Path TEMPLATES = Path.of("src/test/resources/chat-templates");

    @ParameterizedTest
    @CsvSource({
        "../models/tiny-base/tokenizer_config.json, CHATML, <|end_of_text|>",
        "src/test/resources/chat-templates/qwen2.5.jinja, CHATML, <|endoftext|>",
        "src/test/resources/chat-templates/llama3.jinja, LLAMA3, <|end_of_text|>",
        "builtin:mistral, MISTRAL, </s>"})
    void ollamaRendersTheModelfileTemplateAsTheJinjaTemplate(String source, Modelfile.Family family, String eos)
            throws Exception {
        String jinja = source.startsWith("builtin:") ? ChatTemplate.builtIn(source.substring(8)).source()
                : source.endsWith(".json") ? com.google.gson.JsonParser.parseString(Files.readString(Path.of(source)))
                        .getAsJsonObject().get("chat_template").getAsString() : Files.readString(Path.of(source));
        assertEquals(Optional.of(family), Modelfile.Family.of(jinja));
        String modelfile = Modelfile.render("m.gguf", Optional.of(jinja), Optional.of(eos), Optional.of("Sois bref."));
        Matcher m = Pattern.compile("TEMPLATE \"\"\"(.*?)\"\"\"", Pattern.DOTALL).matcher(modelfile);
        assertTrue(m.find(), modelfile);
        GoTemplate go = new GoTemplate(m.group(1));
        for (String stop : family.stops()) {
            assertTrue(modelfile.contains("PARAMETER stop \"" + stop + "\""), stop);
        }
        assertTrue(modelfile.contains("PARAMETER stop \"" + eos + "\""));
        assertTrue(modelfile.contains("FROM ./m.gguf\n") && modelfile.contains("SYSTEM \"\"\"Sois bref.\"\"\""));

        List<List<Message>> conversations = List.of(
                List.of(Message.system("Sois bref."), Message.user("Bonjour, où est ma commande ?")),
                List.of(Message.system("Sois bref."), Message.user("Bonjour"), Message.assistant("Bonjour ! Que puis-je faire ?"),
                        Message.user("Je veux un remboursement.")));
        for (List<Message> conversation : conversations) {
            String expected = ChatTemplate.of(source, jinja).render(conversation, true,
                    Map.of("bos_token", "", "eos_token", eos));
            assertEquals(expected, go.render(ollamaData(conversation)), source + ": " + conversation);
        }
        if (family != Modelfile.Family.CHATML || source.contains("tiny-base")) {
            // Without a system message too (Qwen2.5 would insert its default one: SYSTEM carries it).
            List<Message> plain = List.of(Message.user("Bonjour"), Message.assistant("Bonjour !"), Message.user("Merci"));
            String expected = ChatTemplate.of(source, jinja).render(plain, true, Map.of("bos_token", "", "eos_token", eos));
            assertEquals(expected, go.render(ollamaData(plain)), source);
        }
    }

    /** What Ollama hands the template: {@code .Messages} (Role, Content) and {@code .System}. */
    private static Map<String, Object> ollamaData(List<Message> messages) {
        List<Object> list = new ArrayList<>();
        String system = "";
        for (Message msg : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Role", msg.role().openAiName());
            o.put("Content", msg.content());
            list.add(o);
            if (msg.role().openAiName().equals("system")) {
                system = msg.content();
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("Messages", list);
        data.put("System", system);
        return data;
    }
}
