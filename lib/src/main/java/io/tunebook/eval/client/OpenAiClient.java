package io.tunebook.eval.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tunebook.data.Message;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A client of any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, TGI, Ollama, the
 * llama.cpp server, {@code tunebook serve}). Retries 429, 5xx, timeouts and I/O errors with backoff
 * honouring {@code Retry-After}; at most {@link OpenAiClientConfig#maxConcurrency} requests are in
 * flight at once; counts tokens and cost; answers from its cache directory when it has one.
 * Thread-safe.
 *
 * <pre>{@code
 * var judge = new OpenAiClient(OpenAiClientConfig.builder("https://api.example.com/v1", "gpt-4o")
 *         .apiKeyEnv("OPENAI_API_KEY").cacheDir(Path.of("judge-cache")).build());
 * }</pre>
 */
public final class OpenAiClient implements ChatBackend {
    private final OpenAiClientConfig config;
    private final ApiKey key;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final Backoff backoff;
    private final UsageMeter meter;
    private final Optional<ResponseCache> cache;

    /** Reads the API key from the process environment. */
    public OpenAiClient(OpenAiClientConfig config) {
        this(config, System::getenv);
    }

    /** Reads the API key through {@code environment} (a variable name to its value, or null). */
    public OpenAiClient(OpenAiClientConfig config, Function<String, String> environment) {
        this.config = config;
        this.key = ApiKey.fromEnvironment(config.apiKeyEnv(), environment);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).build();
        this.inFlight = new Semaphore(config.maxConcurrency(), true);
        this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), new Random());
        this.meter = new UsageMeter(config.pricing());
        this.cache = config.cacheDir().map(ResponseCache::new);
    }

    public OpenAiClientConfig config() {
        return config;
    }

    @Override
    public String modelId() {
        return config.model();
    }

    /** Requests, retries, cache hits, tokens and cost so far. */
    public UsageReport usage() {
        return meter.report();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        String body = requestBody(request);
        String cacheKey = ResponseCache.key(config.chatCompletionsUri().toString(), config.model(), body);
        Optional<String> hit = cache.flatMap(c -> c.get(cacheKey));
        ChatResponse response;
        if (hit.isPresent()) {
            response = parse(hit.get(), true);
        } else {
            String answer = send(body);
            response = parse(answer, false);
            cache.ifPresent(c -> c.put(cacheKey, key.redact(answer))); // the cache is a file: never with the key
        }
        meter.answered(response);
        return response;
    }

    /**
     * The same request streamed ({@code "stream": true}, usage in the last chunk): {@code onText} gets each
     * piece of the answer as the server sends it, which is what a latency probe times. No cache and no
     * retry: a stream half read cannot be replayed, and a measurement must see the failures.
     */
    public ChatResponse chatStreaming(ChatRequest request, Consumer<String> onText) {
        JsonObject body = JsonParser.parseString(requestBody(request)).getAsJsonObject();
        body.addProperty("stream", true);
        JsonObject options = new JsonObject();
        options.addProperty("include_usage", true);
        body.add("stream_options", options);
        try {
            inFlight.acquire(); // held until the stream is read: the cap counts requests the server is answering
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatBackendException("interrupted while asking " + ApiKey.maskCredentials(config.chatCompletionsUri()), 0, null);
        }
        try {
            return stream(post(body.toString()), onText);
        } finally {
            inFlight.release();
        }
    }

    private ChatResponse stream(HttpRequest request, Consumer<String> onText) {
        HttpResponse<Stream<String>> response;
        try {
            meter.requestSent(false);
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw fail(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), 0, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatBackendException("interrupted while asking " + ApiKey.maskCredentials(config.chatCompletionsUri()), 0, null);
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                throw fail("HTTP " + response.statusCode() + ": " + errorMessage(lines.collect(Collectors.joining("\n"))),
                        response.statusCode(), 0, null);
            }
            StringBuilder text = new StringBuilder();
            String finishReason = "unknown";
            TokenUsage usage = TokenUsage.NONE;
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring(6).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonObject chunk = JsonParser.parseString(data).getAsJsonObject();
                if (chunk.has("usage") && chunk.get("usage").isJsonObject()) {
                    usage = usage(chunk.get("usage"));
                }
                JsonArray choices = chunk.getAsJsonArray("choices");
                if (choices == null || choices.isEmpty()) {
                    continue;
                }
                JsonObject choice = choices.get(0).getAsJsonObject();
                JsonElement delta = choice.get("delta");
                JsonElement content = delta != null && delta.isJsonObject() ? delta.getAsJsonObject().get("content") : null;
                if (content != null && !content.isJsonNull() && !content.getAsString().isEmpty()) {
                    String piece = key.redact(content.getAsString());
                    text.append(piece);
                    onText.accept(piece);
                }
                JsonElement finish = choice.get("finish_reason");
                if (finish != null && !finish.isJsonNull()) {
                    finishReason = finish.getAsString();
                }
            }
            ChatResponse out = new ChatResponse(text.toString(), finishReason, usage, false);
            meter.answered(out);
            return out;
        } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            throw new ChatBackendException(ApiKey.maskCredentials(config.chatCompletionsUri())
                    + ": a stream chunk is not a chat completion chunk (" + key.redact(e.getMessage()) + ")");
        } catch (java.io.UncheckedIOException e) {
            throw fail("the stream broke: " + e.getCause(), 0, 0, e);
        }
    }

    private String requestBody(ChatRequest request) {
        JsonObject o = new JsonObject();
        o.addProperty("model", config.model());
        JsonArray messages = new JsonArray();
        for (Message m : request.messages()) {
            JsonObject jm = new JsonObject();
            jm.addProperty("role", m.role().openAiName());
            jm.addProperty("content", m.content());
            messages.add(jm);
        }
        o.add("messages", messages);
        o.addProperty("max_tokens", request.maxTokens());
        o.addProperty("temperature", request.temperature());
        if (!request.stop().isEmpty()) {
            JsonArray stop = new JsonArray();
            request.stop().forEach(stop::add);
            o.add("stop", stop);
        }
        request.seed().ifPresent(s -> o.addProperty("seed", s));
        return o.toString();
    }

    /** The POST of a chat completion body, with the key's header when there is a key. */
    private HttpRequest post(String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.chatCompletionsUri())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        key.authorizationHeader().ifPresent(h -> builder.header("Authorization", h));
        return builder.build();
    }

    private String send(String body) {
        HttpRequest request = post(body);
        String last = "no attempt";
        int lastStatus = 0;
        for (int attempt = 0; ; attempt++) {
            Optional<Duration> retryAfter = Optional.empty();
            IOException failure = null;
            HttpResponse<String> response = null;
            try {
                inFlight.acquire();
                try {
                    meter.requestSent(attempt > 0);
                    response = http.send(request, HttpResponse.BodyHandlers.ofString());
                } finally {
                    inFlight.release();
                }
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChatBackendException("interrupted while asking " + ApiKey.maskCredentials(config.chatCompletionsUri()), 0, null);
            }
            if (response != null) {
                int status = response.statusCode();
                if (status == 200) {
                    return response.body();
                }
                lastStatus = status;
                last = "HTTP " + status + ": " + errorMessage(response.body());
                if (status != 429 && status < 500) {
                    throw fail(last, status, attempt, null);
                }
                retryAfter = Backoff.retryAfter(response.headers(), Instant.now());
            } else {
                lastStatus = 0;
                last = failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": "
                        + failure.getMessage());
            }
            if (attempt >= config.maxRetries()) {
                throw fail(last, lastStatus, attempt, failure);
            }
            sleep(backoff.delay(attempt, retryAfter));
        }
    }

    private ChatBackendException fail(String what, int status, int attempt, Throwable cause) {
        String message = ApiKey.maskCredentials(config.chatCompletionsUri()) + " (model " + config.model() + "): " + what
                + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : "");
        // The cause is left out on purpose: its message or stack could carry what the server echoed.
        ChatBackendException e = new ChatBackendException(key.redact(message), status, null);
        if (cause != null) {
            e.addSuppressed(new ChatBackendException(key.redact(cause.toString())));
        }
        return e;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatBackendException("interrupted while waiting to retry " + ApiKey.maskCredentials(config.chatCompletionsUri()), 0,
                    null);
        }
    }

    /** {@code error.message} of an OpenAI error body, else the start of the body. */
    private String errorMessage(String body) {
        try {
            JsonObject o = JsonParser.parseString(body).getAsJsonObject();
            JsonElement error = o.get("error");
            if (error != null && error.isJsonObject() && error.getAsJsonObject().has("message")) {
                return key.redact(error.getAsJsonObject().get("message").getAsString());
            }
        } catch (RuntimeException notJson) {
            // Fall back to the raw body.
        }
        String trimmed = body.strip();
        return key.redact(trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed);
    }

    private ChatResponse parse(String body, boolean cached) {
        try {
            JsonObject o = JsonParser.parseString(body).getAsJsonObject();
            JsonArray choices = o.getAsJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                throw new ChatBackendException(ApiKey.maskCredentials(config.chatCompletionsUri()) + ": the answer has no 'choices'");
            }
            JsonObject choice = choices.get(0).getAsJsonObject();
            JsonElement message = choice.get("message");
            if (message == null || !message.isJsonObject()) {
                throw new ChatBackendException(ApiKey.maskCredentials(config.chatCompletionsUri()) + ": 'choices[0].message' is missing");
            }
            JsonElement content = message.getAsJsonObject().get("content");
            // An endpoint that echoes the key must not have it written into reports: redacted here, once.
            String text = key.redact(content == null || content.isJsonNull() ? "" : content.getAsString());
            JsonElement finish = choice.get("finish_reason");
            String finishReason = finish == null || finish.isJsonNull() ? "unknown" : finish.getAsString();
            return new ChatResponse(text, finishReason, usage(o.get("usage")), cached);
        } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            throw new ChatBackendException(ApiKey.maskCredentials(config.chatCompletionsUri()) + ": the answer is not a chat completion ("
                    + key.redact(e.getMessage()) + ")");
        }
    }

    private static TokenUsage usage(JsonElement usage) {
        if (usage == null || !usage.isJsonObject()) {
            return TokenUsage.NONE;
        }
        JsonObject u = usage.getAsJsonObject();
        return new TokenUsage(count(u, "prompt_tokens"), count(u, "completion_tokens"));
    }

    private static long count(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? 0 : e.getAsLong();
    }

    @Override
    public String toString() {
        return "OpenAiClient[baseUrl=" + ApiKey.maskCredentials(config.baseUrl()) + ", model=" + config.model() + ", apiKeyEnv="
                + config.apiKeyEnv().orElse("none") + ", apiKey=" + key + "]";
    }
}
