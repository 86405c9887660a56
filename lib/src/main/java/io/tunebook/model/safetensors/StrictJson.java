package io.tunebook.model.safetensors;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed reads from a strict streaming JSON reader, failing with a {@link SafetensorsException}
 * that names the file, the tensor and the field. Streaming rather than a tree keeps hostile input
 * from steering allocation: nesting is bounded and only the expected shapes are ever built.
 */
final class StrictJson {
    /** Deepest nesting skipped in fields we do not interpret. */
    static final int MAX_SKIPPED_DEPTH = 64;

    private StrictJson() {}

    /** Decodes {@code bytes}, rejecting malformed UTF-8 rather than replacing it. */
    static String utf8(byte[] bytes, Path file, String what) throws SafetensorsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, null, what + " is not valid UTF-8", e);
        }
    }

    /** A reader that accepts RFC 8259 JSON only (no comments, single quotes or bare words). */
    static JsonReader reader(String json) {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        return reader;
    }

    /** Fails unless the next token is {@code expected}, naming what was found instead. */
    static void expect(JsonReader r, JsonToken expected, Path file, String tensor, String what)
            throws IOException {
        JsonToken actual = r.peek();
        if (actual != expected) {
            throw new SafetensorsException(file, tensor, what + " must be " + describe(expected)
                    + ", found " + describe(actual));
        }
    }

    static String string(JsonReader r, Path file, String tensor, String what) throws IOException {
        expect(r, JsonToken.STRING, file, tensor, what);
        return r.nextString();
    }

    /** A JSON integer in [0, Long.MAX_VALUE], written without fraction or exponent. */
    static long nonNegativeLong(JsonReader r, Path file, String tensor, String what) throws IOException {
        expect(r, JsonToken.NUMBER, file, tensor, what);
        String literal = r.nextString();
        try {
            long value = Long.parseLong(literal);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException tooLargeOrNotAnInteger) {
            // reported below, with the literal
        }
        throw new SafetensorsException(file, tensor, what + " must be a non-negative integer below 2^63, found "
                + Quote.of(literal));
    }

    /** An object whose values are all strings, in file order; duplicate keys are an error. */
    static Map<String, String> stringMap(JsonReader r, Path file, String what) throws IOException {
        expect(r, JsonToken.BEGIN_OBJECT, file, null, what);
        Map<String, String> map = new LinkedHashMap<>();
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            String value = string(r, file, null, what + " value of " + Quote.of(key));
            if (map.put(key, value) != null) {
                throw new SafetensorsException(file, null, what + " has the key " + Quote.of(key) + " twice");
            }
        }
        r.endObject();
        return map;
    }

    /** Skips one value of a field we ignore, refusing nesting deeper than {@link #MAX_SKIPPED_DEPTH}. */
    static void skip(JsonReader r, Path file, String tensor, String what) throws IOException {
        int depth = 0;
        do {
            switch (r.peek()) {
                case BEGIN_OBJECT -> {
                    r.beginObject();
                    depth++;
                }
                case BEGIN_ARRAY -> {
                    r.beginArray();
                    depth++;
                }
                case END_OBJECT -> {
                    r.endObject();
                    depth--;
                }
                case END_ARRAY -> {
                    r.endArray();
                    depth--;
                }
                case NAME -> r.nextName();
                default -> r.skipValue();
            }
            if (depth > MAX_SKIPPED_DEPTH) {
                throw new SafetensorsException(file, tensor, what + " nests deeper than " + MAX_SKIPPED_DEPTH + " levels");
            }
        } while (depth > 0);
    }

    /** Fails unless the document ends here. */
    static void expectEnd(JsonReader r, Path file, String what) throws IOException {
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new SafetensorsException(file, what + " has trailing content after the top-level object");
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_OBJECT -> "an object";
            case BEGIN_ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "the end of the document";
            default -> token.name();
        };
    }
}
