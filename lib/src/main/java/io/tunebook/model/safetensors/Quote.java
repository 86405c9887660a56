package io.tunebook.model.safetensors;

/**
 * Formats values taken from files for error messages. A hostile header can hold megabyte-long
 * names, million-dimension shapes or terminal escape sequences; all are defused here so a message
 * stays one readable line.
 */
final class Quote {
    private static final int MAX_CHARS = 200;
    private static final int MAX_DIMS = 16;

    private Quote() {}

    /** {@code s} in single quotes, control characters escaped, cut after 200 characters. */
    static String of(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8).append('\'');
        int shown = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\') {
                b.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (shown < s.length()) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.append('\'').toString();
    }

    /** {@code shape} as {@code [2, 3]}, cut after 16 dimensions. */
    static String shape(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < Math.min(shape.length, MAX_DIMS); i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length > MAX_DIMS) {
            b.append(", ...(").append(shape.length).append(" dims)");
        }
        return b.append(']').toString();
    }
}
