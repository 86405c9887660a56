package io.tunebook.eval.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Message;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP client against a scripted endpoint on loopback. */
class OpenAiClientTest {
    static final String KEY = "sk-test-5ecret-d0-not-leak";
    static final Map<String, String> ENV = Map.of("TB_TEST_KEY", KEY);

    @TempDir
    Path tmp;
    FakeEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        endpoint = new FakeEndpoint();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    OpenAiClientConfig.Builder config() {
        return OpenAiClientConfig.builder(endpoint.baseUrl(), "judge-model").apiKeyEnv("TB_TEST_KEY")
                .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofSeconds(3));
    }

    OpenAiClient client(OpenAiClientConfig config) {
        return new OpenAiClient(config, ENV::get);
    }

    static ChatRequest question(String q) {
        return ChatRequest.of(Message.system("You are a judge."), Message.user(q));
    }

    @Test
    void sendsAnOpenAiChatRequestAndReadsTheAnswer() {
        OpenAiClient c = client(config().build());
        ChatResponse r = c.chat(ChatRequest.builder().messages(List.of(Message.user("Bonjour"))).maxTokens(7)
                .temperature(0).stop("END").seed(3).build());
        assertEquals("ok", r.text());
        assertEquals("stop", r.finishReason());
        assertEquals(new TokenUsage(10, 2), r.usage());
        assertFalse(r.cached());
        assertEquals(1, endpoint.received.size());
        assertEquals("Bearer " + KEY, endpoint.received.get(0).authorization());
        JsonObject body = JsonParser.parseString(endpoint.received.get(0).body()).getAsJsonObject();
        assertEquals("judge-model", body.get("model").getAsString());
        assertEquals(7, body.get("max_tokens").getAsInt());
        assertEquals("user", body.getAsJsonArray("messages").get(0).getAsJsonObject().get("role").getAsString());
        assertEquals("END", body.getAsJsonArray("stop").get(0).getAsString());
        assertEquals(3, body.get("seed").getAsInt());
    }

    @Test
    void a429IsRetriedAfterWhatRetryAfterAsks() {
        endpoint.then(429, Map.of("Retry-After", "1"), "{\"error\":{\"message\":\"slow down\"}}", 0);
        OpenAiClient c = client(config().build());
        long t0 = System.nanoTime();
        ChatResponse r = c.chat(question("q"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("ok", r.text());
        assertTrue(ms >= 950, "retried after " + ms + " ms although Retry-After said 1 s");
        assertEquals(2, endpoint.received.size());
        UsageReport u = c.usage();
        assertEquals(2, u.requests());
        assertEquals(1, u.retries());
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenReported() {
        for (int i = 0; i < 3; i++) {
            endpoint.then(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
        }
        OpenAiClient c = client(config().maxRetries(2).build());
        ChatBackendException e = assertThrows(ChatBackendException.class, () -> c.chat(question("q")));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("overloaded") && e.getMessage().contains("after 3 attempts"),
                e.getMessage());
        assertEquals(3, endpoint.received.size());
    }

    @Test
    void otherClientErrorsAreNotRetried() {
        endpoint.then(400, "{\"error\":{\"message\":\"'messages' is required\",\"param\":\"messages\"}}");
        OpenAiClient c = client(config().build());
        ChatBackendException e = assertThrows(ChatBackendException.class, () -> c.chat(question("q")));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("'messages' is required"), e.getMessage());
        assertEquals(1, endpoint.received.size());
    }

    @Test
    void slowAnswersTimeOutAndAreRetried() {
        endpoint.then(200, Map.of(), FakeEndpoint.completion("late", 1, 1), 2000)
                .then(200, Map.of(), FakeEndpoint.completion("late", 1, 1), 2000);
        OpenAiClient c = client(config().requestTimeout(Duration.ofMillis(250)).maxRetries(1).build());
        long t0 = System.nanoTime();
        ChatBackendException e = assertThrows(ChatBackendException.class, () -> c.chat(question("q")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("HttpTimeoutException"), e.getMessage());
        assertEquals(0, e.status());
        assertTrue(ms < 1800, "gave up after " + ms + " ms; each attempt should stop at 250 ms");
        assertEquals(2, endpoint.received.size());
    }

    @Test
    void aTimeoutFollowedByAnAnswerSucceeds() {
        endpoint.then(200, Map.of(), FakeEndpoint.completion("late", 1, 1), 2000);
        OpenAiClient c = client(config().requestTimeout(Duration.ofMillis(250)).build());
        assertEquals("ok", c.chat(question("q")).text());
        assertEquals(1, c.usage().retries());
    }

    @Test
    void theCacheAnswersRepeatsWithoutAnyRequestAndCostsNothing() throws Exception {
        endpoint.then(200, FakeEndpoint.completion("verdict [[A]]", 1000, 500));
        OpenAiClientConfig cfg = config().cacheDir(tmp.resolve("cache")).pricing(new Pricing(1.0, 2.0)).build();
        OpenAiClient first = client(cfg);
        ChatResponse paid = first.chat(question("which is better?"));
        assertEquals(2.0, first.usage().cost(), 1e-9);
        assertEquals(new TokenUsage(1000, 500), first.usage().billed());

        OpenAiClient rerun = client(cfg);  // a notebook run again: a new client, the same directory
        ChatResponse cached = rerun.chat(question("which is better?"));
        assertEquals(1, endpoint.received.size(), "the cache hit must not reach the endpoint");
        assertTrue(cached.cached());
        assertEquals(paid.text(), cached.text());
        assertEquals(paid.usage(), cached.usage());
        UsageReport u = rerun.usage();
        assertEquals(0, u.requests());
        assertEquals(1, u.cacheHits());
        assertEquals(0.0, u.cost());
        assertEquals(new TokenUsage(1000, 500), u.cachedTokens());

        rerun.chat(question("another question"));
        assertEquals(2, endpoint.received.size(), "a different request is asked");
        OpenAiClient otherModel = client(OpenAiClientConfig.builder(endpoint.baseUrl(), "other-model")
                .cacheDir(tmp.resolve("cache")).build());
        otherModel.chat(question("which is better?"));
        assertEquals(3, endpoint.received.size(), "another model is another cache key");
    }

    @Test
    void theApiKeyNeverLeavesTheAuthorizationHeader() throws Exception {
        OpenAiClient c = client(config().cacheDir(tmp.resolve("cache")).build());
        assertFalse(c.toString().contains(KEY), c.toString());
        assertTrue(c.toString().contains("TB_TEST_KEY"), c.toString());
        c.chat(question("cache me"));
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f).contains(KEY), f + " holds the key");
            }
        }
        // An endpoint that echoes the key in its error must not get it into the exception.
        endpoint.then(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}");
        ChatBackendException e = assertThrows(ChatBackendException.class, () -> c.chat(question("other")));
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(KEY), trace.toString());
        assertTrue(e.getMessage().contains("[api key]"), e.getMessage());
        // Nor one that echoes it in a successful answer: not in the text (which reports write), not in the cache.
        endpoint.then(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"my key is " + KEY
                + ".\"},\"finish_reason\":\"stop\"}]}");
        assertEquals("my key is [api key].", c.chat(question("echo")).text());
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f).contains(KEY), f + " holds the key");
            }
        }

        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> new OpenAiClient(config().apiKeyEnv("TB_UNSET_VARIABLE").build(), ENV::get));
        assertTrue(unset.getMessage().contains("TB_UNSET_VARIABLE"), unset.getMessage());
    }

    @Test
    void noMoreThanMaxConcurrencyRequestsAreInFlight() throws Exception {
        endpoint.defaultDelay(150);
        OpenAiClient c = client(config().maxConcurrency(2).build());
        sixAtOnceKeepToTwoInFlight(q -> c.chat(question(q)));
    }

    /** Six questions asked at once from six threads, under a cap of 2: each answered "ok", never more than 2 in flight. */
    private void sixAtOnceKeepToTwoInFlight(java.util.function.Function<String, ChatResponse> ask) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<ChatResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String q = "question " + i;
                answers.add(pool.submit(() -> ask.apply(q)));
            }
            for (Future<ChatResponse> f : answers) {
                assertEquals("ok", f.get().text());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(6, endpoint.received.size());
        assertEquals(2, endpoint.maxInFlight.get());
    }

    @Test
    void streamedRequestsKeepToMaxConcurrencyToo() throws Exception {
        String chunks = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"k\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        for (int i = 0; i < 6; i++) {
            endpoint.then(200, Map.of("Content-Type", "text/event-stream"), chunks, 150);
        }
        OpenAiClient c = client(config().maxConcurrency(2).build());
        sixAtOnceKeepToTwoInFlight(q -> c.chatStreaming(question(q), piece -> { }));
    }

    @Test
    void backoffDoublesWithJitterAndHonoursRetryAfter() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), new java.util.Random(1));
        for (int retry = 0; retry < 6; retry++) {
            long step = Math.min(100L << retry, 1000);
            long d = b.delay(retry, java.util.Optional.empty()).toMillis();
            assertTrue(d >= step / 2 && d <= step, "retry " + retry + ": " + d + " ms, step " + step);
        }
        assertEquals(Duration.ofMillis(700), b.delay(0, java.util.Optional.of(Duration.ofMillis(700))));
        assertEquals(Duration.ofMillis(1000), b.delay(0, java.util.Optional.of(Duration.ofSeconds(90))));

        java.time.Instant now = java.time.Instant.parse("2025-01-01T00:00:00Z");
        assertEquals(Duration.ofMillis(2500), Backoff.retryAfter(headers(Map.of("retry-after", "2.5")), now).get());
        assertEquals(Duration.ofSeconds(30), Backoff.retryAfter(headers(Map.of("Retry-After",
                "Wed, 01 Jan 2025 00:00:30 GMT")), now).get());
        assertEquals(Duration.ofMillis(120), Backoff.retryAfter(headers(Map.of("retry-after-ms", "120",
                "retry-after", "1")), now).get());
        assertTrue(Backoff.retryAfter(headers(Map.of("retry-after", "soon")), now).isEmpty());
        assertTrue(Backoff.retryAfter(headers(Map.of()), now).isEmpty());
    }

    private static java.net.http.HttpHeaders headers(Map<String, String> h) {
        Map<String, List<String>> m = new java.util.HashMap<>();
        h.forEach((k, v) -> m.put(k, List.of(v)));
        return java.net.http.HttpHeaders.of(m, (a, b) -> true);
    }
}
