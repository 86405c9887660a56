package io.tunebook.cli;

import io.tunebook.data.ChatTemplate;
import io.tunebook.eval.client.PromptRenderer;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.io.IOException;
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
        return "usage: tunebook serve DIR [--adapter ADAPTER_DIR [--merge]] [--chat-template NAME] [--port P] [--host H]\n"
                + "                     [--max-tokens N] [--queue N] [--dtype D] [--device D]\n"
                + "Serves GET /v1/models, POST /v1/chat/completions and POST /v1/completions (stream: true sends\n"
                + "server-sent events) for the model in DIR, named by the directory. Listens on 127.0.0.1:8000 by\n"
                + "default: only this machine can connect; --host 0.0.0.0 opens it to the network (no API key is\n"
                + "checked). --max-tokens (default 1024) bounds every answer; --queue (default 64) is how many\n"
                + "requests may wait, beyond which they get 429. --adapter loads a PEFT LoRA adapter directory on\n"
                + "top of the model (named DIR+ADAPTER_DIR's name); --merge merges it into the weights first, which\n"
                + "decodes faster. Chat messages are rendered with the model's chat_template, or with the built-in\n"
                + "--chat-template (" + String.join(", ", ChatTemplate.BUILT_IN) + "), or as an Alpaca-style\n"
                + "transcript when there is neither. Ctrl-C lets running requests finish, then stops.\n"
                + Args.DTYPE_HELP + "\n" + DeviceOption.HELP;
    }

    @Override
    public int run(String[] argv) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        try (Served served = open(argv)) {
            OpenAiServer server = served.server();
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
            System.out.println("tunebook serve: " + server.config().modelId() + " at " + server.baseUrl()
                    + " (Ctrl-C to stop)");
            System.out.flush();
            server.awaitClose();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** A started server and what it serves; closing stops the server, then frees the adapter and the model. */
    record Served(CausalLM model, LoraModel adapter, OpenAiServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            if (adapter != null) {
                adapter.close();
            }
            model.close();
        }
    }

    /** Loads what {@code argv} names and starts serving it. */
    Served open(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("port", "host", "max-tokens", "queue", "adapter", "chat-template",
                "dtype", DeviceOption.FLAG),
                Set.of("merge"));
        Path dir = Args.existingDirectory(name(), a.positional(name(), 0, "model directory"));
        a.expectPositionals(name(), 1);
        Path adapterDir = a.has("adapter") ? Args.existingPath(name(), a.get("adapter", "")) : null;
        if (a.has("merge") && adapterDir == null) {
            throw new UsageException(name() + ": --merge needs --adapter");
        }
        String template = a.get("chat-template", null);
        if (template != null && !ChatTemplate.BUILT_IN.contains(template)) {
            throw new UsageException(name() + ": unknown --chat-template '" + template + "'; choose one of "
                    + String.join(", ", ChatTemplate.BUILT_IN));
        }
        String id = dir.toAbsolutePath().normalize().getFileName().toString();
        if (adapterDir != null) {
            id += "+" + adapterDir.toAbsolutePath().normalize().getFileName();
        }
        ServerConfig.Builder config;
        try {
            config = ServerConfig.builder(id).host(a.get("host", "127.0.0.1")).port(a.getInt("port", 8000))
                    .maxTokens(a.getInt("max-tokens", 1024)).queueCapacity(a.getInt("queue", 64));
            config.build(); // fails fast on a bad value, before the model loads
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        CausalLM model = CausalLM.load(dir, a.loadOptions(name()));
        LoraModel lora = null;
        try {
            if (adapterDir != null) {
                lora = LoraModel.load(model, adapterDir);
                lora.eval();
                if (a.has("merge")) {
                    lora.mergeAndUnload();
                    lora = null;
                }
            }
            if (template != null) {
                config.renderer(PromptRenderer.builtIn(template, model.tokenizer()));
            }
            return new Served(model, lora, OpenAiServer.start(model, config.build()));
        } catch (IOException | RuntimeException e) {
            if (lora != null) {
                lora.close();
            }
            model.close();
            throw e;
        }
    }
}
