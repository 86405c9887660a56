package io.tunebook.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real HTTP client for the server tests, and a reader of server-sent events. */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /**
     * The {@code data:} payloads of an event stream, in order, checking the framing: every event is
     * one {@code data:} line followed by a blank line.
     */
    static List<String> events(String stream) {
        List<String> out = new ArrayList<>();
        for (String event : stream.split("\n\n", -1)) {
            if (event.isEmpty()) {
                continue;
            }
            if (!event.startsWith("data: ") || event.indexOf('\n') >= 0) {
                throw new AssertionError("malformed server-sent event: " + event);
            }
            out.add(event.substring("data: ".length()));
        }
        if (!stream.endsWith("\n\n")) {
            throw new AssertionError("the stream does not end with a blank line");
        }
        return out;
    }
}
