package io.tunebook.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the reference cases of {@code src/test/resources/eval} (provenance in its README). */
final class Cases {
    private Cases() {
    }

    static String text(String resource) {
        try (InputStream in = Cases.class.getResourceAsStream("/eval/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource eval/" + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonObject json(String resource) {
        return JsonParser.parseString(text(resource)).getAsJsonObject();
    }

    static List<JsonObject> objects(JsonArray array) {
        List<JsonObject> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsJsonObject()));
        return out;
    }

    static List<String> strings(JsonElement array) {
        List<String> out = new ArrayList<>();
        array.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
