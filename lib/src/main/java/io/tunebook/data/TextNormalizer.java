package io.tunebook.data;

import java.text.Normalizer;

/**
 * The text normalisation of {@link Cleaner}: Unicode NFC (so that "é" is one code point however
 * it was typed), line endings to {@code \n}, byte-order marks and zero-width spaces removed,
 * trailing whitespace stripped from every line, runs of blank lines cut to one, leading blank
 * lines and trailing whitespace removed. Indentation and the spaces inside a line are kept (code
 * and tables depend on them), as are non-breaking spaces (French typography uses them).
 */
public final class TextNormalizer {
    private TextNormalizer() {
    }

    public static String normalize(String text) {
        String s = Normalizer.isNormalized(text, Normalizer.Form.NFC) ? text
                : Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(s.length());
        int blankRun = 0;
        boolean started = false;
        int i = 0;
        int n = s.length();
        while (i <= n) {
            int end = i;
            while (end < n && s.charAt(end) != '\n' && s.charAt(end) != '\r') {
                end++;
            }
            String line = strip(s, i, end);
            if (line.isEmpty()) {
                blankRun++;
            } else {
                if (started) {
                    out.append(blankRun > 0 ? "\n\n" : "\n");
                }
                out.append(line);
                started = true;
                blankRun = 0;
            }
            if (end < n && s.charAt(end) == '\r' && end + 1 < n && s.charAt(end + 1) == '\n') {
                end++;
            }
            i = end + 1;
        }
        return out.toString();
    }

    /** The line without zero-width spaces and byte-order marks, and without trailing whitespace. */
    private static String strip(String s, int from, int to) {
        StringBuilder b = null;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c == '\uFEFF' || c == '\u200B') {
                if (b == null) {
                    b = new StringBuilder(s.substring(from, k));
                }
            } else if (b != null) {
                b.append(c);
            }
        }
        String line = b == null ? s.substring(from, to) : b.toString();
        int end = line.length();
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end);
    }
}
