package io.tunebook.cli;

import io.tunebook.model.CausalLM;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

final class ServeCommand implements Command {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve a model over an OpenAI-compatible HTTP API";
    }

    @Override
    public String help() {
        return "usage: tunebook serve DIR [--port P] [--host H] [--max-tokens N] [--queue N]\n"
                + "Serves GET /v1/models, POST /v1/chat/completions and POST /v1/completions (stream: true sends\n"
                + "server-sent events) for the model in DIR, named by the directory. Listens on 127.0.0.1:8000 by\n"
                + "default: only this machine can connect; --host 0.0.0.0 opens it to the network (no API key is\n"
                + "checked). --max-tokens (default 1024) bounds every answer; --queue (default 64) is how many\n"
                + "requests may wait, beyond which they get 429. Chat messages are rendered as an Alpaca-style\n"
                + "transcript. Ctrl-C lets running requests finish, then stops. --adapter is not available yet.";
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parse(name(), argv, Set.of("port", "host", "max-tokens", "queue", "adapter"), Set.of());
        Path dir = Args.existingDirectory(name(), a.positional(name(), 0, "model directory"));
        a.expectPositionals(name(), 1);
        if (a.has("adapter")) {
            throw new UsageException(name() + ": --adapter is not available yet (it comes with LoRA adapters)");
        }
        String id = dir.toAbsolutePath().normalize().getFileName().toString();
        ServerConfig config;
        try {
            config = ServerConfig.builder(id).host(a.get("host", "127.0.0.1")).port(a.getInt("port", 8000))
                    .maxTokens(a.getInt("max-tokens", 1024)).queueCapacity(a.getInt("queue", 64)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (CausalLM model = CausalLM.load(dir); OpenAiServer server = OpenAiServer.start(model, config)) {
            Thread hook = new Thread(() -> {
                System.err.println("tunebook serve: stopping (letting running requests finish)");
                server.close();
                try {
                    // Let the main thread close the model before the JVM goes.
                    stopped.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tunebook-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("tunebook serve: " + id + " at " + server.baseUrl() + " (Ctrl-C to stop)");
            System.out.flush();
            server.awaitClose();
        } finally {
            stopped.countDown();
        }
        return 0;
    }
}
