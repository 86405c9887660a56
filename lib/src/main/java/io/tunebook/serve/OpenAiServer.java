package io.tunebook.serve;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.PromptRenderer;
import io.tunebook.serve.CompletionRequest.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An OpenAI-compatible server for one model. The caller keeps ownership of the model and closes it
 * after {@link #close()}, which returns only once no generation runs.
 *
 * <pre>{@code
 * try (CausalLM model = CausalLM.load(dir);
 *         OpenAiServer server = OpenAiServer.start(model, ServerConfig.builder("tiny-base").port(0).build())) {
 *     System.out.println(server.baseUrl());     // http://127.0.0.1:PORT/v1
 * }
 * }</pre>
 */
public final class OpenAiServer implements AutoCloseable {
    private static final String MODELS = "/v1/models";
    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String HEALTH = "/health";
    /** The JDK server's limits, system properties it reads once, when the JVM's first server starts. */
    static final String REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String CONNECTIONS_PROPERTY = "jdk.httpserver.maxConnections";

    private final ServerConfig config;
    private final ChatEncoding chat;
    private final RequestParser parser;
    private final GenerationQueue queue;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final long created = System.currentTimeMillis() / 1000;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private OpenAiServer(CausalLM model, ServerConfig config) throws IOException {
        if (!model.hasTokenizer()) {
            throw new IllegalArgumentException("model " + config.modelId() + " has no tokenizer.json: it cannot be served");
        }
        this.config = config;
        this.chat = ChatEncoding.of(model, config.renderer().orElseGet(() -> PromptRenderer.forTokenizer(model.tokenizer())));
        this.parser = new RequestParser(config, model, chat);
        this.queue = new GenerationQueue(model, config.queueCapacity(), config.maxBatch());
        int threads = Math.max(config.maxConnections(), config.queueCapacity() + 4);
        limitJdkServer(config.requestTimeout().toSeconds(), threads);
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        // The JDK server reads each request on a handler thread: one per connection up to the limit (so slow
        // clients cannot hold the threads a normal request needs), at least one per waiting request plus spares
        // (so a full queue still answers 429 at once). Idle threads end.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "tunebook-serve-http");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.handlers = pool;
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
    }

    /**
     * The JDK server's own guards, which only system properties reach: a client gets {@code requestSeconds} to send
     * its request line, headers and body (the timer runs until the body is read to its end), and a connection
     * beyond {@code connections} open ones is closed as soon as it is accepted, so that slow clients neither hold
     * every thread nor pile up. A value given with {@code -D} wins; otherwise the first server of the JVM sets
     * them, and a later one that asks for other limits is told that it gets the first's.
     */
    private static synchronized void limitJdkServer(long requestSeconds, int connections) {
        String[][] limits = {{REQUEST_TIME_PROPERTY, Long.toString(requestSeconds)},
            {CONNECTIONS_PROPERTY, Integer.toString(connections)}};
        for (String[] limit : limits) {
            String now = System.getProperty(limit[0]);
            if (now == null) {
                System.setProperty(limit[0], limit[1]);
            } else if (!now.equals(limit[1])) {
                System.err.println("tunebook serve: " + limit[0] + " stays " + now + " (set before this server; the JDK"
                        + " reads it once per JVM), not " + limit[1]);
            }
        }
    }

    /** Binds {@link ServerConfig#host()}:{@link ServerConfig#port()} and starts answering. */
    public static OpenAiServer start(CausalLM model, ServerConfig config) throws IOException {
        OpenAiServer server = new OpenAiServer(model, config);
        server.http.start();
        return server;
    }

    /** The port it listens on (the chosen one when the config said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The URL clients take as their base, ending in {@code /v1}. */
    public URI baseUrl() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    public ServerConfig config() {
        return config;
    }

    /** How chat messages become prompts and where answers end: the configured renderer or the model's own template. */
    public ChatEncoding chatEncoding() {
        return chat;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                route(exchange);
            } catch (ApiError e) {
                if (e.status == 429) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                }
                sendJson(exchange, e.status, e.body());
            } catch (RuntimeException e) {
                sendJson(exchange, 500, new ApiError(500, "server_error", "internal error: " + e, null, null).body());
            }
        } catch (IOException | UncheckedIOException clientGone) {
            // The client closed the connection: nobody is left to answer.
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        checkOrigin(exchange);
        if (path.equals(HEALTH)) {
            requireMethod(exchange, "GET");
            JsonObject ok = new JsonObject();
            ok.addProperty("status", closing.get() ? "stopping" : "ok");
            sendJson(exchange, closing.get() ? 503 : 200, ok);
            return;
        }
        checkKey(exchange);
        switch (path) {
            case MODELS -> {
                requireMethod(exchange, "GET");
                sendJson(exchange, 200, Responses.models(config.modelId(), created));
            }
            case CHAT -> {
                requireMethod(exchange, "POST");
                complete(exchange, parser.chat(body(exchange)));
            }
            case COMPLETIONS -> {
                requireMethod(exchange, "POST");
                complete(exchange, parser.text(body(exchange)));
            }
            default -> throw new ApiError(404, "invalid_request_error", "unknown path " + path + "; this server has "
                    + MODELS + ", " + CHAT + " and " + COMPLETIONS, null, "unknown_url");
        }
    }

    /**
     * On loopback, only this machine's own names may be in {@code Host} (else a DNS-rebinding page could read
     * answers) and a browser's {@code Origin}, when sent, must be one of them (else any web page could drive it).
     */
    private void checkOrigin(HttpExchange exchange) {
        if (!ServerConfig.isLoopback(config.host())) {
            return;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || !ServerConfig.isLoopback(hostName(host))) {
            throw new ApiError(403, "invalid_request_error", "this server answers requests for localhost only; Host was "
                    + (host == null ? "missing" : "'" + host + "'"), null, "forbidden_host");
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null) {
            String originHost;
            try {
                URI uri = URI.create(origin);
                originHost = uri.getHost();
            } catch (IllegalArgumentException e) {
                originHost = null;
            }
            if (originHost == null || !ServerConfig.isLoopback(originHost)) {
                throw new ApiError(403, "invalid_request_error", "requests from web pages of other sites are refused"
                        + " (Origin '" + origin + "')", null, "forbidden_origin");
            }
        }
    }

    /** The host part of a {@code Host} header: without its port, IPv6 brackets kept. */
    static String hostName(String header) {
        String h = header.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** With an API key configured, {@code Authorization: Bearer KEY}, compared in constant time. */
    private void checkKey(HttpExchange exchange) {
        if (config.apiKey().isEmpty()) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, config.apiKey().get().getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "invalid_request_error", header == null
                    ? "You didn't provide an API key. Provide it in an Authorization header: Bearer YOUR_KEY."
                    : "Incorrect API key provided.", null, "invalid_api_key");
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ApiError(405, "invalid_request_error", exchange.getRequestMethod() + " is not allowed on "
                    + exchange.getRequestURI().getPath() + "; use " + method, null, "method_not_allowed");
        }
    }

    private JsonObject body(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(config.maxRequestBytes() + 1);
        }
        if (bytes.length > config.maxRequestBytes()) {
            throw new ApiError(413, "invalid_request_error", "the request body is larger than "
                    + config.maxRequestBytes() + " bytes", null, "request_too_large");
        }
        return RequestParser.parseBody(bytes);
    }

    private void complete(HttpExchange exchange, CompletionRequest request) throws IOException {
        if (closing.get()) {
            throw GenerationQueue.shuttingDown();
        }
        Responses responses = new Responses(request.endpoint(), config.modelId());
        if (!request.stream()) {
            Heartbeat heartbeat = new Heartbeat(exchange);
            List<GenerationResult> results;
            try {
                results = await(queue.submit(request, (row, id, delta) -> heartbeat.beat()));
            } catch (ApiError e) {
                if (!heartbeat.started()) {
                    throw e;
                }
                heartbeat.finish(e.body()); // the status is sent: the error travels in the body
                return;
            }
            if (heartbeat.started()) {
                heartbeat.finish(responses.completion(results));
            } else {
                sendJson(exchange, 200, responses.completion(results));
            }
            return;
        }
        EventStream events = new EventStream(exchange.getResponseBody());
        Future<List<GenerationResult>> pending = queue.submit(request,
                (row, id, delta) -> {
                    if (!delta.isEmpty()) {
                        events.send(responses.delta(row, delta));
                    }
                });
        // Accepted: from here on the answer is 200 and any failure travels in the stream.
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        events.open(request.endpoint() == Endpoint.CHAT ? List.of(responses.roleChunk()) : List.of());
        List<GenerationResult> results;
        try {
            results = await(pending);
        } catch (ApiError e) {
            events.send(e.body());
            events.done();
            return;
        }
        for (int i = 0; i < results.size(); i++) {
            events.send(responses.finish(i, results.get(i)));
        }
        if (request.includeUsage()) {
            events.send(responses.usageChunk(results));
        }
        events.done();
    }

    /**
     * A non-streaming answer's way of noticing a client that has gone: from the first token on, the
     * response has started (200, chunked) and each token writes one space, which JSON allows before a
     * value. A client that closed its connection makes a write fail, which stops the generation at the
     * next token, as an SSE stream does; without it an abandoned request would hold the model to the end.
     */
    private static final class Heartbeat {
        private final HttpExchange exchange;
        private boolean started;

        Heartbeat(HttpExchange exchange) {
            this.exchange = exchange;
        }

        synchronized boolean started() {
            return started;
        }

        /** On the generation worker, at each token. */
        synchronized void beat() {
            try {
                if (!started) {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, 0);
                    started = true;
                }
                exchange.getResponseBody().write(' ');
                exchange.getResponseBody().flush();
            } catch (IOException e) {
                throw new UncheckedIOException("the client has gone", e);
            }
        }

        synchronized void finish(JsonObject body) throws IOException {
            exchange.getResponseBody().write(body.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<GenerationResult> await(Future<List<GenerationResult>> pending) {
        try {
            return pending.get();
        } catch (CancellationException e) {
            throw GenerationQueue.shuttingDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(false);
            throw GenerationQueue.shuttingDown();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CancellationException) {
                throw GenerationQueue.shuttingDown();
            }
            if (cause instanceof UncheckedIOException gone) {
                throw gone;
            }
            throw new ApiError(500, "server_error", "generation failed: " + cause, null, null);
        }
    }

    private static void sendJson(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * Stops taking requests, lets queued and running ones finish for up to
     * {@link ServerConfig#drainTimeout()} (then cancels them, answering 503), and closes the socket.
     * Once it returns no generation runs, and the model may be closed.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            queue.close(config.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Handlers finishing their answers get a second; then connections close.
            http.stop(1);
            handlers.shutdownNow();
            closed.countDown();
        }
    }

    private void awaitQuietly() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
