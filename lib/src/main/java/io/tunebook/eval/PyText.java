package io.tunebook.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str} whitespace semantics, which the reference metric libraries rely on:
 * {@code split()} and {@code rstrip()} treat more characters as whitespace than Java's
 * {@code String.strip} family (the file, group, record and unit separators 0x1C-0x1F, and 0x85).
 */
final class PyText {
    private PyText() {
    }

    /** {@code str.isspace()} for one code point. */
    static boolean isSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** {@code text.split()}: runs of whitespace separate, no empty pieces. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (isSpace(c)) {
                if (start >= 0) {
                    out.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(c);
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** {@code text.rstrip()}. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int c = text.codePointBefore(end);
            if (!isSpace(c)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return text.substring(0, end);
    }

    /** {@code f"{x:.{digits}f}"}: the exact binary value rounded half to even, as Python formats
     * floats (Java's formatter rounds ties up). Finite values only. */
    static String fixed(double x, int digits) {
        return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }
}
