package io.tunebook.eval.ab;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.eval.ExampleResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One question with the answers of the two systems compared, before blinding.
 *
 * @param id the example's id (kept in the key, never shown to the rater)
 * @param category groups the unblinded summary
 */
public record AbItem(String id, String category, String prompt, String first, String second) {
    public AbItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    /** The examples of an evaluation, {@code first} and {@code second} being two of its candidates. */
    public static List<AbItem> of(EvaluationResult result, String first, String second) {
        for (String c : List.of(first, second)) {
            if (!result.candidates().contains(c)) {
                throw new IllegalArgumentException("no candidate " + c + " in the evaluation; it has "
                        + result.candidates());
            }
        }
        List<AbItem> items = new ArrayList<>();
        for (ExampleResult e : result.examples()) {
            items.add(new AbItem(e.id(), e.category(), e.prompt(), e.answers().get(first), e.answers().get(second)));
        }
        return items;
    }

    /** The examples of a saved {@code evaluation.json}; errors name the file and the field. */
    public static List<AbItem> read(Path evaluationJson, String first, String second) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(Files.readString(evaluationJson));
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(evaluationJson + ": not an evaluation (a JSON object)");
            }
            root = e.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + evaluationJson + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(evaluationJson + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!root.has("examples") || !root.get("examples").isJsonArray()) {
            throw new IllegalArgumentException(evaluationJson + ": no 'examples' array");
        }
        List<AbItem> items = new ArrayList<>();
        int i = 0;
        for (JsonElement row : root.getAsJsonArray("examples")) {
            String where = evaluationJson + ": examples[" + i++ + "]";
            if (!row.isJsonObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            JsonObject o = row.getAsJsonObject();
            JsonObject answers = o.has("answers") && o.get("answers").isJsonObject() ? o.getAsJsonObject("answers")
                    : new JsonObject();
            items.add(new AbItem(text(o, "id", where), o.has("category") ? text(o, "category", where) : "",
                    text(o, "prompt", where), text(answers, first, where + ".answers"),
                    text(answers, second, where + ".answers")));
        }
        return items;
    }

    private static String text(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException(where + ": missing text field '" + key + "'");
        }
        return e.getAsString();
    }
}
