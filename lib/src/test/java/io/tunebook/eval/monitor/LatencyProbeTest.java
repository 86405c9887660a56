package io.tunebook.eval.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.Message;
import io.tunebook.eval.client.ChatBackendException;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.OpenAiClient;
import io.tunebook.eval.client.OpenAiClientConfig;
import io.tunebook.model.CausalLM;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probe against tunebook's own server over loopback, streaming, with the shipped tiny model. */
class LatencyProbeTest {
    static CausalLM model;
    static OpenAiServer server;
    static OpenAiClient client;

    @BeforeAll
    static void start() throws Exception {
        model = CausalLM.load(Path.of("../models/tiny-base"));
        server = OpenAiServer.start(model, ServerConfig.builder("tiny-base").port(0).maxTokens(8).build());
        client = new OpenAiClient(OpenAiClientConfig.builder(server.baseUrl().toString(), "tiny-base").build());
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    @Test
    void aStreamedAnswerIsTheSameAsTheWholeOneAndCarriesTheUsage() {
        ChatRequest request = ChatRequest.builder().messages(List.of(Message.user("Bonjour, où est ma commande ?")))
                .maxTokens(6).temperature(0).build();
        List<String> pieces = new ArrayList<>();
        var streamed = client.chatStreaming(request, pieces::add);
        var whole = client.chat(request);
        assertEquals(whole.text(), streamed.text());
        assertEquals(whole.text(), String.join("", pieces));
        assertEquals(whole.usage(), streamed.usage());
        assertEquals(whole.finishReason(), streamed.finishReason());
        assertTrue(!pieces.isEmpty(), "the answer came in pieces: " + pieces);
    }

    @Test
    void theProbeTimesEveryPromptInOrder() {
        List<List<Message>> prompts = List.of(List.of(Message.user("Bonjour")), List.of(Message.user("Merci !")),
                List.of(Message.user("Où est ma commande ?")));
        ServingStats stats = LatencyProbe.of(client, 5, 2).run(prompts);
        assertEquals(3, stats.requests().size());
        assertEquals(2, stats.concurrency());
        for (int i = 0; i < prompts.size(); i++) {
            RequestTiming t = stats.requests().get(i);
            var alone = client.chat(ChatRequest.builder().messages(prompts.get(i)).maxTokens(5).temperature(0).build());
            assertEquals(alone.text(), t.answer(), "request " + i + " keeps its place");
            assertEquals(alone.usage().completionTokens(), t.completionTokens());
            assertTrue(t.promptTokens() > 0);
            assertTrue(t.latencyMs() > 0 && (Double.isNaN(t.firstTokenMs()) || t.firstTokenMs() <= t.latencyMs()));
        }
        assertTrue(stats.tokensPerSecond() > 0);
    }

    @Test
    void aRefusedStreamSaysWhy() {
        OpenAiClient wrong = new OpenAiClient(OpenAiClientConfig.builder(server.baseUrl().toString(), "no-such-model")
                .build());
        ChatRequest request = ChatRequest.builder().messages(List.of(Message.user("Bonjour"))).maxTokens(4).build();
        ChatBackendException e = assertThrows(ChatBackendException.class, () -> wrong.chatStreaming(request, s -> { }));
        assertEquals(404, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LatencyProbe.of(client, 0, 1));
    }
}
