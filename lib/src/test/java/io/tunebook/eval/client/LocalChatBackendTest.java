package io.tunebook.eval.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tunebook.data.Message;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.PromptRenderer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A local model behind the chat-backend interface answers as {@link Generator#chat} does. */
class LocalChatBackendTest {
    @Test
    void theLocalBackendUsesTheTemplateByDefaultAndTheTranscriptWhenAsked() {
        try (CausalLM model = CausalLM.load(Path.of("../models/tiny-base"))) {
            check(model);
        }
    }

    private static void check(CausalLM model) {
        ChatRequest request = ChatRequest.builder().messages(List.of(Message.user("Où est ma commande ?")))
                .maxTokens(6).build();
        GenerationResult expected = Generator.of(model).chat(request.messages(), GenerationSettings.greedy(6));
        ChatResponse viaTemplate = new LocalChatBackend(model, "tiny-base").chat(request);
        assertEquals(expected.text(), viaTemplate.text());
        assertEquals(expected.promptIds().length, viaTemplate.usage().promptTokens());

        ChatResponse viaTranscript = new LocalChatBackend(model, PromptRenderer.transcript(), "tiny-base").chat(request);
        long[] transcript = model.tokenizer().encode(PromptRenderer.transcript().render(request.messages()), true);
        assertEquals(transcript.length, viaTranscript.usage().promptTokens());
    }
}
