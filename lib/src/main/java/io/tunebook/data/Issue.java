package io.tunebook.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem with one row: where (file and line), which field (a path such as
 * {@code conversations[2].from}; empty for the row as a whole), what kind, and a message.
 */
public record Issue(Source source, String field, IssueKind kind, String message) {
    public Issue {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        field = field == null ? "" : field;
        message = message == null ? "" : message;
    }

    public Path file() {
        return source.file();
    }

    public long line() {
        return source.line();
    }

    /** {@code file:line field: KIND message}. */
    @Override
    public String toString() {
        return source + (field.isEmpty() ? "" : " " + field) + ": " + kind + " " + message;
    }
}
