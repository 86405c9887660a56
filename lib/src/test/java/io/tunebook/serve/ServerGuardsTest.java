package io.tunebook.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What keeps strangers out of a served model: the API key, Host and Origin, strict JSON, bounded connections. */
class ServerGuardsTest {
    private static final String KEY = "sk-test-0123456789";
    static CausalLM model;
    static OpenAiServer server;

    @BeforeAll
    static void start() throws Exception {
        model = CausalLM.load(OpenAiServerTest.MODEL);
        server = OpenAiServer.start(model, ServerConfig.builder("tiny-base").port(0).maxTokens(4).defaultMaxTokens(2)
                .apiKey(KEY).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static URI url(String path) {
        return URI.create(server.baseUrl() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url("/chat/completions")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b);
    }

    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Bonjour\"}],\"max_tokens\":2}";

    @Test
    void theApiKeyIsRequiredAsABearerTokenWithOpenAisError() throws Exception {
        HttpResponse<String> none = post(CHAT, null);
        assertEquals(401, none.statusCode());
        JsonObject error = JsonParser.parseString(none.body()).getAsJsonObject().getAsJsonObject("error");
        assertEquals("invalid_api_key", error.get("code").getAsString());
        assertEquals("invalid_request_error", error.get("type").getAsString());
        HttpResponse<String> wrong = post(CHAT, KEY + "x");
        assertEquals(401, wrong.statusCode());
        assertFalse(wrong.body().contains(KEY), "the key is never echoed");
        assertEquals(401, send(HttpRequest.newBuilder(url("/models")).GET()).statusCode());
        assertEquals(200, post(CHAT, KEY).statusCode());
        HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/health")).GET());
        assertEquals(200, health.statusCode(), "health needs no key");
        assertEquals("ok", JsonParser.parseString(health.body()).getAsJsonObject().get("status").getAsString());
    }

    @Test
    void bindingBeyondLoopbackNeedsAKeyAndOptionsAreBounded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder("m").host("0.0.0.0").build());
        assertTrue(e.getMessage().contains("give an API key"), e.getMessage());
        ServerConfig.builder("m").host("0.0.0.0").apiKey(KEY).build();
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder("m").apiKey("short").build());
        e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder("m").queueCapacity(Integer.MAX_VALUE).build());
        assertTrue(e.getMessage().contains("queueCapacity must be at most 4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder("m").maxTokens(Integer.MAX_VALUE).build());
        assertFalse(ServerConfig.builder("m").apiKey(KEY).build().toString().contains(KEY));
    }

    @Test
    void lenientOrDuplicatedJsonIsA400() throws Exception {
        for (String body : new String[] {
            "{messages:[{'role':'user','content':'Bonjour'}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Bonjour\"}],\"max_tokens\":2,\"max_tokens\":3}",
            "{\"messages\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"x\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}",
            "{\"messages\":[]} trailing",
            "[" .repeat(10_000)}) {
            HttpResponse<String> r = post(body, KEY);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            assertEquals("invalid_request_error", JsonParser.parseString(r.body()).getAsJsonObject()
                    .getAsJsonObject("error").get("type").getAsString());
        }
    }

    /** A raw request: what browsers and rebinding attacks send. */
    private static String raw(String host, String origin) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            String request = "GET /v1/models HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(0, response.indexOf("\r\n"));
        }
    }

    @Test
    void onLoopbackForeignHostsAndOriginsAreRefused() throws IOException {
        assertEquals("HTTP/1.1 200 OK", raw("localhost:" + server.port(), null));
        assertEquals("HTTP/1.1 200 OK", raw("127.0.0.1:" + server.port(), "http://localhost:3000"));
        assertTrue(raw("attacker.example:" + server.port(), null).startsWith("HTTP/1.1 403"), "DNS rebinding");
        assertTrue(raw("localhost", "https://attacker.example").startsWith("HTTP/1.1 403"), "a foreign web page");
        assertTrue(raw("localhost", "null").startsWith("HTTP/1.1 403"), "a sandboxed page");
    }

    @Test
    void twoHundredSlowHeaderConnectionsDoNotDelayANormalRequest() throws Exception {
        // The delay is measured against the same request without slow clients, just before, so that a machine
        // busy with other work does not count as delay.
        double alone = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertEquals(200, send(HttpRequest.newBuilder(url("/models")).header("Authorization", "Bearer " + KEY)
                    .GET()).statusCode());
            alone = Math.min(alone, (System.nanoTime() - start) / 1e9);
        }
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                OutputStream out = s.getOutputStream();
                out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nX-Drip: ".getBytes(
                        StandardCharsets.US_ASCII));
                out.flush();
                slow.add(s);
            }
            Thread.sleep(300);
            long start = System.nanoTime();
            HttpResponse<String> r = send(HttpRequest.newBuilder(url("/models"))
                    .header("Authorization", "Bearer " + KEY).GET());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(200, r.statusCode());
            assertTrue(seconds - alone < 1.0, "a normal request took " + seconds + " s behind 200 slow connections, "
                    + alone + " s alone");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aClientThatDisconnectsCancelsItsGeneration() throws Exception {
        // One prompt decoding at a time: the next request can only start once the abandoned one has stopped.
        try (OpenAiServer long_ = OpenAiServer.start(model, ServerConfig.builder("tiny-base").port(0).maxTokens(400)
                .maxBatch(1).build())) {
            // Greedy decoding of this prompt repeats "9" and "," to the token limit (checked below).
            String body = "{\"prompt\":\"1 2 3 4 5 6 7 8 9\",\"max_tokens\":400}";
            URI completions = URI.create(long_.baseUrl() + "/completions");
            // The whole answer, for its length and duration.
            long start = System.nanoTime();
            HttpResponse<String> whole = send(HttpRequest.newBuilder(completions).header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            double full = (System.nanoTime() - start) / 1e9;
            assertEquals(200, whole.statusCode(), whole.body());
            int tokens = JsonParser.parseString(whole.body()).getAsJsonObject().getAsJsonObject("usage")
                    .get("completion_tokens").getAsInt();
            org.junit.jupiter.api.Assumptions.assumeTrue(tokens >= 200, "the model stopped after " + tokens + " tokens");

            // The same request, abandoned once the answer has started: the next request does not wait for it.
            try (Socket s = new Socket("127.0.0.1", long_.port())) {
                s.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                        + "application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                s.setSoTimeout(30_000);
                assertTrue(s.getInputStream().read() >= 0, "the answer started");
            }
            start = System.nanoTime();
            HttpResponse<String> next = send(HttpRequest.newBuilder(completions).header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\":\"Bonjour\",\"max_tokens\":1}")));
            double waited = (System.nanoTime() - start) / 1e9;
            assertEquals(200, next.statusCode(), next.body());
            assertTrue(waited < full / 2, "the next request waited " + waited + " s; the whole answer ("
                    + tokens + " tokens) takes " + full + " s");
        }
    }
}
