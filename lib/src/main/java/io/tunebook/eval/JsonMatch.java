package io.tunebook.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import io.tunebook.data.JsonTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores structured (JSON) outputs against references: is the output JSON at all, does it conform
 * to the task's schema, is it the expected object, and which fields are right.
 *
 * <pre>{@code
 * JsonMatch match = JsonMatch.with(JsonSchema.read(Path.of("datasets/extract-json/schema.json")));
 * JsonMatchResult r = match.evaluate(outputs, references);
 * }</pre>
 */
public final class JsonMatch {
    private final JsonSchema schema;

    private JsonMatch(JsonSchema schema) {
        this.schema = schema;
    }

    public static JsonMatch with(JsonSchema schema) {
        return new JsonMatch(schema);
    }

    /** Parses {@code text} as strict JSON ({@link JsonTree}) with nothing after the value. */
    public static JsonElement parseStrict(String text) {
        if (text.isBlank()) {
            throw new JsonParseException("empty output");
        }
        return JsonTree.parse(text);
    }

    /** @throws IllegalArgumentException if the reference itself is not valid JSON */
    public JsonCheck check(String output, String reference) {
        JsonElement expected;
        try {
            expected = parseStrict(reference);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("reference is not valid JSON (" + e.getMessage() + "): " + reference, e);
        }
        JsonElement actual;
        try {
            actual = parseStrict(output);
        } catch (JsonParseException e) {
            return new JsonCheck(false, String.valueOf(e.getMessage()), List.of(), false, List.of());
        }
        List<String> fields = new ArrayList<>();
        if (expected.isJsonObject() && actual.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : expected.getAsJsonObject().entrySet()) {
                if (e.getValue().equals(actual.getAsJsonObject().get(e.getKey()))) {
                    fields.add(e.getKey());
                }
            }
        }
        return new JsonCheck(true, "", schema.validate(actual), actual.equals(expected), fields);
    }

    public JsonMatchResult evaluate(List<String> outputs, List<String> references) {
        Pairs.requireSameSize(outputs, "outputs", references, "references");
        List<JsonCheck> checks = new ArrayList<>();
        Map<String, Integer> fieldTotals = new TreeMap<>();
        Map<String, Integer> fieldHits = new TreeMap<>();
        int valid = 0;
        int conforming = 0;
        int exact = 0;
        for (int i = 0; i < outputs.size(); i++) {
            JsonCheck c;
            try {
                c = check(outputs.get(i), references.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reference " + i + ": " + e.getMessage(), e);
            }
            checks.add(c);
            valid += c.valid() ? 1 : 0;
            conforming += c.schemaValid() ? 1 : 0;
            exact += c.exactMatch() ? 1 : 0;
            JsonElement ref = parseStrict(references.get(i));
            if (ref.isJsonObject()) {
                ref.getAsJsonObject().keySet().forEach(k -> fieldTotals.merge(k, 1, Integer::sum));
            }
            c.matchedFields().forEach(k -> fieldHits.merge(k, 1, Integer::sum));
        }
        Map<String, Double> accuracy = new TreeMap<>();
        fieldTotals.forEach((k, n) -> accuracy.put(k, (double) fieldHits.getOrDefault(k, 0) / n));
        double n = outputs.size();
        return new JsonMatchResult(outputs.size(), valid / n, conforming / n, exact / n, accuracy, checks);
    }
}
