package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.tinybase.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    static final String TEXT = "Bonjour, je voudrais savoir où en est ma commande. Merci d'avance pour votre aide !\n\n"
            + "Bonjour, votre commande a été expédiée hier ; vous la recevrez demain. Bonne journée !\n\n"
            + "Merci beaucoup, c'est parfait. Bonne journée à vous aussi !";

    static Path trained;

    @BeforeAll
    static void train(@TempDir Path tmp) throws IOException {
        BpeTrainer trainer = new BpeTrainer(330).minFrequency(2);
        trainer.addText(TEXT.repeat(3));
        trained = tmp.resolve("trained");
        trainer.train().write(trained, 1024);
    }

    @Test
    void loadsTheTrainedTokenizer() {
        try (Tokenizer t = Tokenizer.load(trained)) {
            assertEquals(330, t.vocabSize());
            assertEquals(OptionalLong.of(0), t.padId());
            assertEquals(OptionalLong.of(1), t.bosId());
            assertEquals(OptionalLong.of(2), t.eosId());
            assertEquals(OptionalLong.empty(), t.unkId());
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), t.specialIds());
            assertEquals(OptionalLong.of(1024), t.modelMaxLength());
            assertEquals("<|im_end|>", t.tokenText(4));
            assertEquals(OptionalLong.of(3), t.tokenId("<|im_start|>"));
            assertEquals(OptionalLong.of(5 + ' '), t.tokenId("Ġ"));
            assertEquals(OptionalLong.empty(), t.tokenId("pas-un-jeton"));
            assertThrows(IllegalArgumentException.class, () -> t.tokenText(330));
            assertTrue(t.chatTemplate().orElseThrow().contains("<|im_start|>"));

            String s = "Bonjour, où est ma commande ? 🙂";
            long[] plain = t.encode(s, false);
            long[] withBos = t.encode(s, true);
            assertEquals(1, withBos[0]);
            assertArrayEquals(plain, Arrays.copyOfRange(withBos, 1, withBos.length));
            assertEquals(s, t.decode(plain, false));
            assertEquals(s, t.decode(withBos, true));
            assertEquals("<|begin_of_text|>" + s, t.decode(withBos, false));
            // merged tokens read back as vocabulary entries
            StringBuilder joined = new StringBuilder();
            for (long id : plain) {
                joined.append(t.tokenText(id));
            }
            assertEquals(String.join("", t.tokens(s, false)), joined.toString());
        }
    }

    @Test
    void neverTruncates() {
        try (Tokenizer t = Tokenizer.load(trained)) {
            String longText = "ü € 🙂 ".repeat(600);                  // well past DJL's default 512
            long[] ids = t.encode(longText, true);
            assertTrue(ids.length > 2000, "got " + ids.length);
            assertEquals(longText, t.decode(ids, true));
        }
    }

    @Test
    void readsAddedTokenObjectsAndNamedChatTemplates(@TempDir Path dir) throws IOException {
        Files.copy(trained.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\n"
                + "  \"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<|begin_of_text|>\", \"lstrip\": false,"
                + " \"normalized\": false, \"rstrip\": false, \"single_word\": false},\n"
                + "  \"eos_token\": {\"content\": \"<|im_end|>\", \"special\": true},\n"
                + "  \"pad_token\": null,\n"
                + "  \"model_max_length\": 1000000000000000019884624838656,\n"
                + "  \"chat_template\": [\n"
                + "    {\"name\": \"default\", \"template\": \"{{ messages[0]['content'] }}\"},\n"
                + "    {\"name\": \"tool_use\", \"template\": \"TOOLS {{ tools }}\"}\n"
                + "  ]\n"
                + "}\n");
        Files.writeString(dir.resolve("special_tokens_map.json"),
                "{\"pad_token\": {\"content\": \"<|pad|>\"}, \"eos_token\": \"<|end_of_text|>\"}");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(OptionalLong.of(1), t.bosId());
            assertEquals(OptionalLong.of(4), t.eosId(), "tokenizer_config.json wins over special_tokens_map.json");
            assertEquals(OptionalLong.of(0), t.padId(), "a null in the config falls back to the map");
            assertEquals(OptionalLong.empty(), t.modelMaxLength());
            assertEquals("{{ messages[0]['content'] }}", t.chatTemplate().orElseThrow());
            assertEquals(Map.of("default", "{{ messages[0]['content'] }}", "tool_use", "TOOLS {{ tools }}"),
                    t.chatTemplates());
        }
    }

    @Test
    void worksWithTokenizerJsonAlone(@TempDir Path dir) throws IOException {
        Files.copy(trained.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}{% endfor %}");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(OptionalLong.empty(), t.bosId());
            assertEquals(OptionalLong.empty(), t.eosId());
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), t.specialIds(), "added tokens marked special");
            assertEquals(1, t.encode("x", true)[0], "BOS still comes from the post-processor");
            assertTrue(t.chatTemplate().orElseThrow().startsWith("{% for m"));
        }
    }

    @Test
    void savesTheFilesItRead(@TempDir Path out) throws IOException {
        try (Tokenizer t = Tokenizer.load(trained)) {
            t.saveTo(out.resolve("copy"));
        }
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertArrayEquals(Files.readAllBytes(trained.resolve(f)), Files.readAllBytes(out.resolve("copy").resolve(f)));
        }
        assertFalse(Files.exists(out.resolve("copy").resolve("chat_template.jinja")));
    }

    @Test
    void clearErrors(@TempDir Path dir) throws IOException {
        ModelException missing = assertThrows(ModelException.class, () -> Tokenizer.load(dir));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());
        assertTrue(missing.getMessage().contains(dir.toString()), missing.getMessage());

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        ModelException bad = assertThrows(ModelException.class, () -> Tokenizer.load(dir));
        assertTrue(bad.getMessage().contains("tokenizer.json") && bad.getMessage().contains("JSON"), bad.getMessage());

        Files.copy(trained.resolve("tokenizer.json"), dir.resolve("tokenizer.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": 42}");
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(OptionalLong.empty(), t.eosId(), "an eos_token not in the vocabulary has no id");
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": {\"oops\": 1}}");
        ModelException tpl = assertThrows(ModelException.class, () -> Tokenizer.load(dir));
        assertTrue(tpl.getMessage().contains("tokenizer_config.json") && tpl.getMessage().contains("chat_template"),
                tpl.getMessage());
    }
}
