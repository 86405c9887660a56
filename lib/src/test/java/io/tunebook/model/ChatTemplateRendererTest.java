package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Message;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat prompts from the model's own template, and answers that end with its turn. */
class ChatTemplateRendererTest {
    static CausalLM model;

    @BeforeAll
    static void load() {
        model = CausalLM.load(Path.of("../models/tiny-base"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theEndOfTurnIsReadOffEachBuiltInTemplate() {
        Map<String, String> special = Map.of("bos_token", "<s>", "eos_token", "</s>");
        assertEquals(List.of("<|im_end|>"), new ChatTemplateRenderer(ChatTemplate.builtIn("chatml"), special).stopStrings());
        assertEquals(List.of("<|eot_id|>"), new ChatTemplateRenderer(ChatTemplate.builtIn("llama3"), special).stopStrings());
        assertEquals(List.of("</s>"), new ChatTemplateRenderer(ChatTemplate.builtIn("mistral"), special).stopStrings());
    }

    @Test
    void aModelWithAChatTemplateIsPromptedWithItAndNoExtraBos() {
        PromptRenderer r = PromptRenderer.forTokenizer(model.tokenizer());
        assertInstanceOf(ChatTemplateRenderer.class, r);
        List<Message> chat = List.of(Message.system("Sois bref."), Message.user("Bonjour ?"));
        assertEquals("<|im_start|>system\nSois bref.<|im_end|>\n<|im_start|>user\nBonjour ?<|im_end|>\n"
                + "<|im_start|>assistant\n", r.render(chat));
        long[] ids = ChatEncoding.of(model).promptIds(chat);
        assertEquals(model.tokenizer().tokenId("<|im_start|>").getAsLong(), ids[0], "the template prints no BOS");
        assertArrayEquals(model.tokenizer().encode(r.render(chat), false), ids);
    }

    @Test
    void theEndOfTurnTokenEndsGenerationAsAnEosId() {
        ChatEncoding chat = ChatEncoding.of(model);
        long imEnd = model.tokenizer().tokenId("<|im_end|>").getAsLong();
        GenerationSettings s = chat.untilEndOfTurn(GenerationSettings.builder().maxNewTokens(4).stopStrings("STOP").build());
        assertTrue(s.eosTokenIds().orElseThrow().contains(imEnd), s.toString());
        assertTrue(s.eosTokenIds().orElseThrow().contains(2L), "the model's own EOS still ends answers");
        assertEquals(List.of("STOP"), s.stopStrings());
        assertEquals(imEnd, chat.endOfAnswerId().getAsLong());
    }

    @Test
    void chatAndAskAreTheTemplatePromptDecodedToTheEndOfTurn() {
        List<Message> messages = List.of(Message.user("Où est ma commande ?"));
        ChatEncoding chat = ChatEncoding.of(model);
        GenerationResult longhand = Generator.of(model).generateIds(List.of(chat.promptIds(messages)),
                chat.untilEndOfTurn(GenerationSettings.greedy(12)), null).get(0);
        GenerationResult result = Generator.of(model).chat(messages, GenerationSettings.greedy(12));
        assertArrayEquals(longhand.promptIds(), result.promptIds());
        assertArrayEquals(longhand.ids(), result.ids());
        assertEquals(longhand.text().strip(), model.ask("Où est ma commande ?", GenerationSettings.greedy(12)));
        // ask's defaults are the builder's (greedy, 128 tokens): the 12-token answer is where it starts.
        assertTrue(model.ask("Où est ma commande ?").startsWith(longhand.text().strip()));
    }
}
