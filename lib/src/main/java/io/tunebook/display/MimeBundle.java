package io.tunebook.display;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The renditions of one displayed object, keyed by MIME type as in Jupyter's {@code display_data}:
 * {@code text/plain} always (the fallback every front end can show), {@code text/html} and
 * {@code image/png} (base64, as Jupyter carries it) when the object has them.
 */
public record MimeBundle(Map<String, String> data) {
    public static final String TEXT = "text/plain";
    public static final String HTML = "text/html";
    public static final String PNG = "image/png";

    public MimeBundle {
        if (data.get(TEXT) == null) {
            throw new IllegalArgumentException("a MIME bundle needs a text/plain rendition");
        }
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static MimeBundle text(String text) {
        return new MimeBundle(Map.of(TEXT, text));
    }

    public MimeBundle withHtml(String html) {
        return with(HTML, html);
    }

    public MimeBundle withPng(byte[] png) {
        return with(PNG, Base64.getEncoder().encodeToString(png));
    }

    public String text() {
        return data.get(TEXT);
    }

    public Optional<String> html() {
        return Optional.ofNullable(data.get(HTML));
    }

    /** The PNG rendition decoded from base64. */
    public Optional<byte[]> png() {
        return Optional.ofNullable(data.get(PNG)).map(Base64.getDecoder()::decode);
    }

    private MimeBundle with(String mime, String value) {
        Map<String, String> copy = new LinkedHashMap<>(data);
        copy.put(mime, value);
        return new MimeBundle(copy);
    }
}
