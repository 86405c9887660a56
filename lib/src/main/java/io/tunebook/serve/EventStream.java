package io.tunebook.serve;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-sent events as OpenAI streams them: {@code data: {json}} and a blank line per chunk,
 * then {@code data: [DONE]}. Written from the handler and the generation worker, hence synchronized.
 * Chunks sent before {@link #open} (the worker may start before the handler has sent the headers)
 * wait in memory; after it each event is flushed so that the client sees tokens as they come.
 */
final class EventStream {
    private final OutputStream out;
    private final List<String> early = new ArrayList<>();
    private boolean open;

    EventStream(OutputStream out) {
        this.out = out;
    }

    /** Call once the response headers are sent: writes {@code first}, then whatever was sent before. */
    synchronized void open(List<JsonObject> first) {
        open = true;
        for (JsonObject chunk : first) {
            send(chunk);
        }
        early.forEach(this::write);
        early.clear();
    }

    /** @throws UncheckedIOException when the client has gone, which stops the generation feeding it */
    synchronized void send(JsonObject chunk) {
        emit("data: " + chunk + "\n\n");
    }

    synchronized void done() {
        emit("data: [DONE]\n\n");
    }

    private void emit(String event) {
        if (open) {
            write(event);
        } else {
            early.add(event);
        }
    }

    private void write(String event) {
        try {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client closed the stream", e);
        }
    }
}
