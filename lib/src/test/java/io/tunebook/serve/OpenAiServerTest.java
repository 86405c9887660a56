package io.tunebook.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Message;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server over real loopback HTTP, answering with the shipped tiny model. */
class OpenAiServerTest {
    static final Path MODEL = Path.of("../models/tiny-base");
    static final String ID = "tiny-base";
    static CausalLM model;
    static OpenAiServer server;

    @BeforeAll
    static void start() throws Exception {
        model = CausalLM.load(MODEL);
        server = OpenAiServer.start(model, ServerConfig.builder(ID).port(0).maxTokens(12).defaultMaxTokens(6).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    static URI url(String path) {
        return URI.create(server.baseUrl() + path);
    }

    static String chatBody(String user, int maxTokens, String extra) {
        return "{\"model\":\"" + ID + "\",\"max_tokens\":" + maxTokens + extra
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Réponds en français.\"},"
                + "{\"role\":\"user\",\"content\":\"" + user + "\"}]}";
    }

    /** What the model says to the same messages when called directly. */
    static GenerationResult direct(String user, int maxTokens) {
        ChatEncoding chat = server.chatEncoding();
        long[] ids = chat.promptIds(List.of(Message.system("Réponds en français."), Message.user(user)));
        GenerationSettings s = chat.untilEndOfTurn(GenerationSettings.greedy(maxTokens));
        return Generator.of(model).generateIds(List.of(ids), s, null).get(0);
    }

    @Test
    void listsTheServedModel() throws Exception {
        HttpResponse<String> r = Http.get(url("/models"));
        assertEquals(200, r.statusCode());
        JsonObject o = Http.json(r);
        assertEquals("list", o.get("object").getAsString());
        assertEquals(1, o.getAsJsonArray("data").size());
        assertEquals(ID, o.getAsJsonArray("data").get(0).getAsJsonObject().get("id").getAsString());
        assertEquals("model", o.getAsJsonArray("data").get(0).getAsJsonObject().get("object").getAsString());
    }

    @Test
    void chatCompletionIsWhatTheModelSaysWithItsUsage() throws Exception {
        HttpResponse<String> r = Http.post(url("/chat/completions"), chatBody("Comment installer un paquet ?", 8, ""));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonObject o = Http.json(r);
        assertEquals("chat.completion", o.get("object").getAsString());
        assertEquals(ID, o.get("model").getAsString());
        assertTrue(o.get("id").getAsString().startsWith("chatcmpl-"));
        JsonObject choice = o.getAsJsonArray("choices").get(0).getAsJsonObject();
        GenerationResult expected = direct("Comment installer un paquet ?", 8);
        assertEquals("assistant", choice.getAsJsonObject("message").get("role").getAsString());
        assertEquals(expected.text(), choice.getAsJsonObject("message").get("content").getAsString());
        assertEquals(expected.finishReason() == GenerationResult.FinishReason.LENGTH ? "length" : "stop",
                choice.get("finish_reason").getAsString());
        JsonObject usage = o.getAsJsonObject("usage");
        assertEquals(expected.promptIds().length, usage.get("prompt_tokens").getAsInt());
        assertEquals(expected.ids().length, usage.get("completion_tokens").getAsInt());
        assertEquals(usage.get("prompt_tokens").getAsInt() + usage.get("completion_tokens").getAsInt(),
                usage.get("total_tokens").getAsInt());
    }

    @Test
    void completionsBatchSeveralPromptsEachAsIfAlone() throws Exception {
        String[] prompts = {"Pour installer un paquet, il faut", "La commande"};
        HttpResponse<String> r = Http.post(url("/completions"), "{\"prompt\":[\"" + prompts[0] + "\",\"" + prompts[1]
                + "\"],\"max_tokens\":5}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = Http.json(r);
        assertEquals("text_completion", o.get("object").getAsString());
        JsonArray choices = o.getAsJsonArray("choices");
        assertEquals(2, choices.size());
        long completionTokens = 0;
        for (int i = 0; i < 2; i++) {
            GenerationResult alone = Generator.of(model).generate(prompts[i], GenerationSettings.greedy(5));
            assertEquals(i, choices.get(i).getAsJsonObject().get("index").getAsInt());
            assertEquals(alone.text(), choices.get(i).getAsJsonObject().get("text").getAsString());
            completionTokens += alone.ids().length;
        }
        assertEquals(completionTokens, o.getAsJsonObject("usage").get("completion_tokens").getAsLong());
    }

    @Test
    void chatStreamsServerSentEventsThatAddUpToTheAnswer() throws Exception {
        String question = "Qu'est-ce qu'un noyau ?";
        HttpResponse<String> r = Http.post(url("/chat/completions"),
                chatBody(question, 8, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = Http.events(r.body());
        assertEquals("[DONE]", events.get(events.size() - 1));
        List<JsonObject> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(JsonParser.parseString(e).getAsJsonObject());
        }
        String id = chunks.get(0).get("id").getAsString();
        JsonObject first = chunks.get(0).getAsJsonArray("choices").get(0).getAsJsonObject();
        assertEquals("assistant", first.getAsJsonObject("delta").get("role").getAsString());
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonObject c : chunks.subList(0, chunks.size() - 1)) {
            assertEquals("chat.completion.chunk", c.get("object").getAsString());
            assertEquals(id, c.get("id").getAsString());
            JsonObject choice = c.getAsJsonArray("choices").get(0).getAsJsonObject();
            assertTrue(finish == null, "a chunk after the finish reason");
            if (choice.getAsJsonObject("delta").has("content")) {
                text.append(choice.getAsJsonObject("delta").get("content").getAsString());
            }
            if (!choice.get("finish_reason").isJsonNull()) {
                finish = choice.get("finish_reason").getAsString();
            }
        }
        GenerationResult expected = direct(question, 8);
        assertEquals(expected.text(), text.toString());
        assertTrue(finish != null && (finish.equals("stop") || finish.equals("length")), String.valueOf(finish));
        JsonObject last = chunks.get(chunks.size() - 1);
        assertEquals(0, last.getAsJsonArray("choices").size());
        assertEquals(expected.ids().length, last.getAsJsonObject("usage").get("completion_tokens").getAsInt());
    }

    @Test
    void completionsStreamTextChunks() throws Exception {
        HttpResponse<String> r = Http.post(url("/completions"),
                "{\"prompt\":\"Pour installer un paquet, il faut\",\"max_tokens\":5,\"stream\":true}");
        assertEquals(200, r.statusCode(), r.body());
        List<String> events = Http.events(r.body());
        assertEquals("[DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonObject c = JsonParser.parseString(e).getAsJsonObject();
            assertEquals("text_completion", c.get("object").getAsString());
            text.append(c.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
        }
        assertEquals(Generator.of(model).generate("Pour installer un paquet, il faut", GenerationSettings.greedy(5))
                .text(), text.toString());
    }

    static void assertError(HttpResponse<String> r, int status, String param, String messagePart) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject error = Http.json(r).getAsJsonObject("error");
        assertTrue(error.get("message").getAsString().contains(messagePart), error.toString());
        assertTrue(error.has("type") && error.has("param") && error.has("code"), error.toString());
        if (param == null) {
            assertTrue(error.get("param").isJsonNull(), error.toString());
        } else {
            assertEquals(param, error.get("param").getAsString());
        }
    }

    @Test
    void malformedRequestsGet400WithOpenAiErrorBodies() throws Exception {
        URI chat = url("/chat/completions");
        assertError(Http.post(chat, "{\"messages\": ["), 400, null, "not valid JSON");
        assertError(Http.post(chat, "[1, 2]"), 400, null, "JSON object");
        assertError(Http.post(chat, "{\"max_tokens\": 4}"), 400, "messages", "'messages' is required");
        assertError(Http.post(chat, "{\"messages\": []}"), 400, "messages", "non-empty");
        assertError(Http.post(chat, "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}"), 400,
                "messages[0].role", "robot");
        assertError(Http.post(chat, "{\"messages\": [{\"role\": \"user\"}]}"), 400, "messages[0].content",
                "required");
        assertError(Http.post(chat, "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}"),
                400, "messages[0].content[0]", "text only");
        assertError(Http.post(chat, chatBody("x", 4, ",\"temperature\":5")), 400, "temperature", "[0.0, 2.0]");
        assertError(Http.post(chat, chatBody("x", 4, ",\"stream\":\"yes\"")), 400, "stream", "boolean");
        assertError(Http.post(chat, chatBody("x", 4, ",\"n\":2")), 400, "n", "n=1");
        assertError(Http.post(chat, chatBody("x", 4, ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]")), 400, "stop",
                "at most 4");
        assertError(Http.post(chat, "{\"max_tokens\": \"ten\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"),
                400, "max_tokens", "number");
        assertError(Http.post(chat, "{\"max_tokens\": 2.5, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"),
                400, "max_tokens", "integer");
        assertError(Http.post(chat, "{\"max_tokens\": 0, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"),
                400, "max_tokens", "at least 1");
        assertError(Http.post(url("/completions"), "{\"prompt\": 42}"), 400, "prompt", "string");
        HttpResponse<String> wrongModel = Http.post(chat, "{\"model\": \"gpt-9\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"x\"}]}");
        assertError(wrongModel, 404, "model", "gpt-9");
        assertEquals("model_not_found", Http.json(wrongModel).getAsJsonObject("error").get("code").getAsString());
        assertEquals("invalid_request_error", Http.json(wrongModel).getAsJsonObject("error").get("type").getAsString());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        assertError(Http.get(url("/embeddings")), 404, null, "unknown path");
        HttpResponse<String> r = Http.get(url("/chat/completions"));
        assertError(r, 405, null, "use POST");
        assertEquals("POST", r.headers().firstValue("allow").orElse(""));
        assertError(Http.post(url("/models"), "{}"), 405, null, "use GET");
    }

    @Test
    void tooLargeMaxTokensIsBoundedAndTooLongPromptsRefused() throws Exception {
        HttpResponse<String> r = Http.post(url("/completions"),
                "{\"prompt\":\"La commande\",\"max_tokens\":100000}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = Http.json(r);
        int generated = o.getAsJsonObject("usage").get("completion_tokens").getAsInt();
        assertTrue(generated <= 12, "completion_tokens " + generated + " above the server's bound of 12");
        assertEquals(Generator.of(model).generate("La commande", GenerationSettings.greedy(12)).text(),
                o.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());

        String longPrompt = "Le système de fichiers est monté au démarrage. ".repeat(80);
        HttpResponse<String> tooLong = Http.post(url("/completions"), "{\"prompt\":\"" + longPrompt + "\"}");
        assertError(tooLong, 400, "prompt", "context");
        assertEquals("context_length_exceeded",
                Http.json(tooLong).getAsJsonObject("error").get("code").getAsString());
    }

    /** {@code n} identical requests released together; their answers in order. */
    static List<HttpResponse<String>> postAtOnce(URI uri, String body, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pending.add(pool.submit(() -> {
                    go.await();
                    return Http.post(uri, body);
                }));
            }
            go.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : pending) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRequestsAreQueuedAndAllAnswered() throws Exception {
        String body = "{\"prompt\":\"Pour installer un paquet, il faut\",\"max_tokens\":4}";
        String expected = Generator.of(model).generate("Pour installer un paquet, il faut",
                GenerationSettings.greedy(4)).text();
        for (HttpResponse<String> r : postAtOnce(url("/completions"), body, 6)) {
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(expected, Http.json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("text")
                    .getAsString());
        }
    }

    @Test
    void aRequestArrivingWhileAnotherDecodesJoinsItAndFinishesFirst() throws Exception {
        try (OpenAiServer batched = OpenAiServer.start(model, ServerConfig.builder(ID).port(0).maxTokens(300).build())) {
            URI uri = URI.create(batched.baseUrl() + "/completions");
            // Greedy decoding of this prompt repeats "9" and "," to the token limit (ServerGuardsTest checks it).
            HttpResponse<java.util.stream.Stream<String>> longOne = Http.CLIENT.send(java.net.http.HttpRequest
                    .newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\":\"1 2 3 4 5 6 7 8 9\",\"max_tokens\":300,\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, longOne.statusCode());
            java.util.Iterator<String> lines = longOne.body().iterator();
            java.util.concurrent.atomic.AtomicBoolean longDone = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.contains("\"text\"")) {
                        started.countDown();
                    }
                    if (line.equals("data: [DONE]")) {
                        longDone.set(true);
                    }
                }
            });
            reader.start();
            started.await();
            String prompt = "Pour installer un paquet, il faut";
            HttpResponse<String> shortOne = Http.post(uri, "{\"prompt\":\"" + prompt + "\",\"max_tokens\":4}");
            // Had it waited for the running request, that one's 300 tokens would all have been read by now.
            assertFalse(longDone.get(), "the short request waited for the long one to finish");
            assertEquals(200, shortOne.statusCode(), shortOne.body());
            assertEquals(Generator.of(model).generate(prompt, GenerationSettings.greedy(4)).text(),
                    Http.json(shortOne).getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
            reader.join();
            assertTrue(longDone.get());
        }
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        // One prompt decoding at a time, one waiting: the rest of 8 at once must be refused.
        try (OpenAiServer small = OpenAiServer.start(model, ServerConfig.builder(ID).port(0).queueCapacity(1).maxBatch(1)
                .build())) {
            URI uri = URI.create(small.baseUrl() + "/completions");
            String body = "{\"prompt\":\"La commande\",\"max_tokens\":8}";
            int ok = 0;
            int busy = 0;
            for (HttpResponse<String> r : postAtOnce(uri, body, 8)) {
                if (r.statusCode() == 429) {
                    busy++;
                    assertEquals("1", r.headers().firstValue("retry-after").orElse(""));
                    JsonObject error = Http.json(r).getAsJsonObject("error");
                    assertEquals("rate_limit_error", error.get("type").getAsString());
                    assertEquals("queue_full", error.get("code").getAsString());
                } else {
                    assertEquals(200, r.statusCode(), r.body());
                    ok++;
                }
            }
            // One runs and one waits at the very least; 8 at once cannot all fit.
            assertTrue(ok >= 2 && busy >= 1, ok + " answered, " + busy + " refused");
        }
    }

    @Test
    void closeLetsAcceptedRequestsFinishThenRefusesConnections() throws Exception {
        OpenAiServer s = OpenAiServer.start(model, ServerConfig.builder(ID).port(0).build());
        URI uri = URI.create(s.baseUrl() + "/completions");
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> streaming = Http.CLIENT.sendAsync(
                java.net.http.HttpRequest.newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\":\"La commande\",\"max_tokens\":6,\"stream\":true}")).build(),
                HttpResponse.BodyHandlers.ofLines());
        // Headers arrive once the request is queued; close() must then let it finish.
        HttpResponse<java.util.stream.Stream<String>> accepted = streaming.get();
        assertEquals(200, accepted.statusCode());
        s.close();
        List<String> lines = accepted.body().toList();
        assertTrue(lines.contains("data: [DONE]"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.contains("\"error\"")), lines.toString());
        assertThrows(ConnectException.class, () -> Http.get(URI.create(s.baseUrl() + "/models")));
        s.close(); // a second close is harmless
    }
}
