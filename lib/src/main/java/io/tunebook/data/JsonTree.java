package io.tunebook.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/**
 * Strict JSON into Gson trees, for everything tunebook reads from users and clients (dataset rows,
 * request bodies, model outputs checked as JSON): RFC 8259 only (no comments, single quotes, bare
 * words, NaN), at most {@link #MAX_DEPTH} levels of nesting, and refused with a {@link Refused} that
 * names the field: a key twice in an object (a parser elsewhere could keep the other value) and a
 * lone UTF-16 surrogate escaped into a string or key (no UTF-8 text can hold it). Syntax errors are
 * Gson's {@link JsonParseException}s.
 */
public final class JsonTree {
    /** Deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 128;

    private JsonTree() {
    }

    /** A reader that accepts RFC 8259 JSON only. */
    public static JsonReader strictReader(String json) {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        return reader;
    }

    /** Parses the whole of {@code text} as one strict JSON value. */
    public static JsonElement parse(String text) {
        try {
            JsonReader reader = strictReader(text);
            JsonElement value = read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("unexpected text after the JSON value");
            }
            return value;
        } catch (IOException e) {
            throw new JsonParseException(plain(e.getMessage()), e);
        }
    }

    /**
     * Gson's message without its advice to Gson's users (parse leniently, read a troubleshooting page), which means
     * nothing to whoever wrote the JSON: "malformed JSON at line 1 column 13 path $".
     */
    private static String plain(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        return message.replaceFirst("(?s)\\s*See https?://\\S+.*$", "")
                .replaceFirst("^Use JsonReader\\.setStrictness\\(Strictness\\.LENIENT\\) to accept ", "");
    }

    /** Reads the next value of a strict reader; duplicate keys and deep nesting are refused. */
    public static JsonElement read(JsonReader reader) throws IOException {
        return read(reader, 0);
    }

    private static JsonElement read(JsonReader r, int depth) throws IOException {
        JsonToken token = r.peek();
        if ((token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) && depth >= MAX_DEPTH) {
            throw new JsonParseException("JSON nests deeper than " + MAX_DEPTH + " levels at " + r.getPath());
        }
        switch (token) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                r.beginObject();
                while (r.hasNext()) {
                    String key = r.nextName();
                    if (o.has(key)) {
                        throw new Refused(r.getPath(), IssueKind.INVALID_JSON, "key '" + key + "' appears twice");
                    }
                    checkText(key, r.getPath(), "key");
                    o.add(key, read(r, depth + 1));
                }
                r.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                r.beginArray();
                while (r.hasNext()) {
                    a.add(read(r, depth + 1));
                }
                r.endArray();
                return a;
            }
            case STRING -> {
                String path = r.getPath();
                String text = r.nextString();
                checkText(text, path, "string");
                return new JsonPrimitive(text);
            }
            case NUMBER -> {
                return new JsonPrimitive(new LazilyParsedNumber(r.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(r.nextBoolean());
            }
            case NULL -> {
                r.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new JsonParseException("expected a JSON value at " + r.getPath() + ", found " + token);
        }
    }

    private static void checkText(String text, String path, String what) {
        int bad = loneSurrogate(text);
        if (bad >= 0) {
            throw new Refused(path, IssueKind.INVALID_ENCODING, what + " holds a lone surrogate \\u"
                    + Integer.toHexString(text.charAt(bad)).toUpperCase(java.util.Locale.ROOT) + " at character " + bad);
        }
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1. */
    public static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Valid JSON syntax that tunebook refuses: a duplicate key, a lone surrogate. */
    public static final class Refused extends JsonParseException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final IssueKind kind;

        Refused(String path, IssueKind kind, String what) {
            super(what + " at " + path);
            this.path = path;
            this.kind = kind;
        }

        /** As a dataset issue: {@link IssueKind#INVALID_JSON} or {@link IssueKind#INVALID_ENCODING}. */
        public IssueKind kind() {
            return kind;
        }

        /** Where, as a JSON path: {@code $.messages[0].content}. */
        public String path() {
            return path;
        }

        /** The field's name as dataset issues give it: the path without its leading {@code $.}. */
        public String field() {
            return path.startsWith("$.") ? path.substring(2) : path.equals("$") ? "" : path;
        }
    }
}
