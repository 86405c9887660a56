package io.tunebook.cli;

import io.tunebook.data.ChatTemplate;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.PromptRenderer;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

final class ServeCommand implements Command {
    /** The environment variable that gives the API key when {@code --api-key} does not (keeps it out of ps). */
    static final String API_KEY_VARIABLE = "TUNEBOOK_API_KEY";

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
                + "                     [--max-tokens N] [--queue N] [--batch N] [--max-connections N]\n"
                + "                     [--request-timeout S] [--api-key KEY] [--dtype D] [--device D]\n"
                + "Serves GET /health, GET /v1/models, POST /v1/chat/completions and POST /v1/completions\n"
                + "(stream: true sends server-sent events) for the model in DIR, named by the directory. Listens on\n"
                + "127.0.0.1:8000 by default: only this machine can connect (Host must name it, and a browser's\n"
                + "Origin must be local). --host 0.0.0.0 opens it to the network and needs an API key: --api-key KEY\n"
                + "or the " + API_KEY_VARIABLE + " environment variable (at least 8 characters), checked as\n"
                + "Authorization: Bearer KEY on every request but GET /health. --max-tokens (default 1024, at most\n"
                + "131072) bounds every answer; --batch (default 16) prompts decode together, and a request that\n"
                + "arrives while others decode joins them at the next token when there is room; --queue (default 64,\n"
                + "at most 4096) is how many more requests may wait, beyond which they get 429; --max-connections\n"
                + "(default 256, or --queue + 4 when larger) may be open\n"
                + "at once, and one more is closed as soon as it connects; each client has --request-timeout seconds\n"
                + "(default 30) to send its request line, headers and body, or is cut off; a client that disconnects\n"
                + "stops its generation at the next token. --adapter\n"
                + "loads a PEFT LoRA adapter directory on top of the model (named DIR+ADAPTER_DIR's name); --merge\n"
                + "merges it into the weights first, which decodes faster. Chat messages are rendered with the\n"
                + "model's chat_template, or with the built-in --chat-template ("
                + String.join(", ", ChatTemplate.BUILT_IN) + "),\n"
                + "or as an Alpaca-style transcript when there is neither. SIGTERM or Ctrl-C lets running requests\n"
                + "finish (30 s at most), then stops (exit 143 or 130).\n"
                + Args.DTYPE_HELP + "\n" + DeviceOption.HELP;
    }

    @Override
    public int run(String[] argv) throws Exception {
        try (Served served = open(argv);
                // A signal lets running requests finish; the main thread then closes the model before the JVM goes.
                Shutdown.Registration signal = Shutdown.onStop(served.server()::close)) {
            OpenAiServer server = served.server();
            System.out.println("tunebook serve: " + server.config().modelId() + " at " + server.baseUrl()
                    + " (Ctrl-C to stop)");
            System.out.flush();
            server.awaitClose();
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
                "dtype", "api-key", "max-connections", "request-timeout", "batch", DeviceOption.FLAG),
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
                    .maxTokens(a.getInt("max-tokens", 1024)).queueCapacity(a.getInt("queue", 64))
                    .maxConnections(a.getInt("max-connections", 256)).maxBatch(a.getInt("batch", 16))
                    .requestTimeout(Duration.ofSeconds(a.getInt("request-timeout", 30)))
                    .apiKey(a.has("api-key") ? a.get("api-key", null) : System.getenv(API_KEY_VARIABLE));
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
