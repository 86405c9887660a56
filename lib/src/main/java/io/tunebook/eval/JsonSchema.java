package io.tunebook.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The subset of JSON Schema (draft 2020-12) that structured-output datasets use:
 * {@code type} (a name or a list of names, so {@code ["string", "null"]} makes a field nullable),
 * {@code enum}, {@code required}, {@code properties}, {@code additionalProperties} (a boolean or a
 * schema), {@code pattern}, {@code minLength} and {@code minimum}. Annotations ({@code $schema},
 * {@code $id}, {@code title}, {@code description}) are ignored; any other keyword is refused when
 * the schema is read, so that a check never silently passes what it did not look at.
 *
 * <p>As in the specification, {@code 1.0} is an integer, {@code pattern} matches anywhere unless
 * anchored, and lengths count code points.
 */
public final class JsonSchema {
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "$comment");
    private static final Set<String> KEYWORDS = Set.of("type", "enum", "required", "properties",
            "additionalProperties", "pattern", "minLength", "minimum");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean", "null");

    private final JsonObject root;
    private final String origin;

    private JsonSchema(JsonObject root, String origin) {
        this.root = root;
        this.origin = origin;
        checkSchema(root, "#");
    }

    /** Reads a schema file; errors name the file and the keyword's location in it. */
    public static JsonSchema read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON schema " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** @param origin names the schema in error messages (a file name) */
    public static JsonSchema parse(String json, String origin) {
        JsonElement e;
        try {
            e = JsonParser.parseString(json);
        } catch (JsonParseException ex) {
            throw new IllegalArgumentException(origin + ": not valid JSON: " + ex.getMessage(), ex);
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(origin + ": a JSON schema must be an object");
        }
        return new JsonSchema(e.getAsJsonObject(), origin);
    }

    /**
     * What is wrong with {@code value}, one message per violation, each naming the field as a JSON
     * path ({@code $.quantite: expected integer or null, got string "3"}); empty when it conforms.
     */
    public List<String> validate(JsonElement value) {
        List<String> errors = new ArrayList<>();
        validate(root, value, "$", errors);
        return errors;
    }

    private void checkSchema(JsonObject schema, String at) {
        for (Map.Entry<String, JsonElement> e : schema.entrySet()) {
            String k = e.getKey();
            if (!KEYWORDS.contains(k) && !ANNOTATIONS.contains(k)) {
                throw bad(at, "keyword '" + k + "' is not supported (supported: " + String.join(", ", KEYWORDS.stream().sorted().toList()) + ")");
            }
        }
        if (schema.has("type")) {
            for (JsonElement t : asList(schema.get("type"))) {
                if (!t.isJsonPrimitive() || !TYPES.contains(t.getAsString())) {
                    throw bad(at + "/type", "unknown type " + t);
                }
            }
        }
        if (schema.has("enum") && !schema.get("enum").isJsonArray()) {
            throw bad(at + "/enum", "must be an array");
        }
        if (schema.has("required") && !schema.get("required").isJsonArray()) {
            throw bad(at + "/required", "must be an array of property names");
        }
        if (schema.has("pattern")) {
            try {
                Pattern.compile(schema.get("pattern").getAsString());
            } catch (PatternSyntaxException | UnsupportedOperationException | IllegalStateException ex) {
                throw bad(at + "/pattern", "not a usable regular expression: " + ex.getMessage());
            }
        }
        for (String k : new String[] {"minLength", "minimum"}) {
            if (schema.has(k) && !(schema.get(k).isJsonPrimitive() && schema.get(k).getAsJsonPrimitive().isNumber())) {
                throw bad(at + "/" + k, "must be a number");
            }
        }
        if (schema.has("properties")) {
            if (!schema.get("properties").isJsonObject()) {
                throw bad(at + "/properties", "must be an object");
            }
            for (Map.Entry<String, JsonElement> p : schema.getAsJsonObject("properties").entrySet()) {
                checkSubschema(p.getValue(), at + "/properties/" + p.getKey());
            }
        }
        JsonElement extra = schema.get("additionalProperties");
        if (extra != null && !(extra.isJsonPrimitive() && extra.getAsJsonPrimitive().isBoolean())) {
            checkSubschema(extra, at + "/additionalProperties");
        }
    }

    private void checkSubschema(JsonElement schema, String at) {
        if (!schema.isJsonObject()) {
            throw bad(at, "a schema must be an object");
        }
        checkSchema(schema.getAsJsonObject(), at);
    }

    private IllegalArgumentException bad(String at, String message) {
        return new IllegalArgumentException(origin + ": " + at + ": " + message);
    }

    private static List<JsonElement> asList(JsonElement e) {
        List<JsonElement> out = new ArrayList<>();
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(out::add);
        } else {
            out.add(e);
        }
        return out;
    }

    private static void validate(JsonObject schema, JsonElement value, String path, List<String> errors) {
        if (schema.has("type")) {
            List<String> allowed = new ArrayList<>();
            boolean ok = false;
            for (JsonElement t : asList(schema.get("type"))) {
                allowed.add(t.getAsString());
                ok |= hasType(value, t.getAsString());
            }
            if (!ok) {
                errors.add(path + ": expected " + String.join(" or ", allowed) + ", got " + describe(value));
                return;
            }
        }
        if (schema.has("enum")) {
            JsonArray options = schema.getAsJsonArray("enum");
            if (!options.contains(value)) {
                errors.add(path + ": " + value + " is not one of " + options);
            }
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            String s = value.getAsString();
            if (schema.has("minLength") && s.codePointCount(0, s.length()) < schema.get("minLength").getAsInt()) {
                errors.add(path + ": shorter than " + schema.get("minLength").getAsInt() + " characters");
            }
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").getAsString()).matcher(s).find()) {
                errors.add(path + ": \"" + s + "\" does not match " + schema.get("pattern").getAsString());
            }
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber() && schema.has("minimum")
                && value.getAsBigDecimal().compareTo(schema.get("minimum").getAsBigDecimal()) < 0) {
            errors.add(path + ": " + value + " is less than the minimum " + schema.get("minimum"));
        }
        if (value.isJsonObject()) {
            validateObject(schema, value.getAsJsonObject(), path, errors);
        }
    }

    private static void validateObject(JsonObject schema, JsonObject value, String path, List<String> errors) {
        if (schema.has("required")) {
            for (JsonElement name : schema.getAsJsonArray("required")) {
                if (!value.has(name.getAsString())) {
                    errors.add(path + "." + name.getAsString() + ": required but missing");
                }
            }
        }
        JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
        JsonElement extra = schema.get("additionalProperties");
        for (Map.Entry<String, JsonElement> e : value.entrySet()) {
            String at = path + "." + e.getKey();
            if (properties.has(e.getKey())) {
                validate(properties.getAsJsonObject(e.getKey()), e.getValue(), at, errors);
            } else if (extra != null && extra.isJsonObject()) {
                validate(extra.getAsJsonObject(), e.getValue(), at, errors);
            } else if (extra != null && !extra.getAsBoolean()) {
                errors.add(at + ": not allowed (additionalProperties is false)");
            }
        }
    }

    private static boolean hasType(JsonElement v, String type) {
        switch (type) {
            case "object":
                return v.isJsonObject();
            case "array":
                return v.isJsonArray();
            case "null":
                return v.isJsonNull();
            case "string":
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
            case "boolean":
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean();
            case "number":
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
            default:                                    // integer: any number without a fractional part
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && isIntegral(v.getAsBigDecimal());
        }
    }

    private static boolean isIntegral(BigDecimal d) {
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
    }

    private static String describe(JsonElement v) {
        if (v.isJsonNull()) {
            return "null";
        }
        if (v.isJsonObject()) {
            return "an object";
        }
        if (v.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        String kind = p.isString() ? "string" : p.isBoolean() ? "boolean" : isIntegral(p.getAsBigDecimal()) ? "integer" : "number";
        return kind + " " + p;
    }
}
