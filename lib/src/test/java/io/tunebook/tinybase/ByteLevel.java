package io.tunebook.tinybase;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte-level pieces of GPT-2 style BPE, as the Hugging Face {@code ByteLevel} pre-tokenizer and
 * decoder implement them: the split regex, and the table that maps each byte to a printable character.
 */
public final class ByteLevel {
    /**
     * GPT-2's split pattern, the one the {@code ByteLevel} pre-tokenizer uses when {@code use_regex} is
     * true. {@code \s}, {@code \p{L}} and {@code \p{N}} are the Unicode classes, as in the Rust library
     * (Java needs {@link Pattern#UNICODE_CHARACTER_CLASS} for {@code \s} to include U+00A0 and friends).
     */
    public static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern SPLIT = Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The printable character GPT-2 uses for a byte (0..255): 'Ġ' for a space, 'Ċ' for a newline. */
    public static char byteToChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a byte-level character stands for, or -1 when the character is not one of the 256. */
    public static int charToByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The UTF-8 bytes of {@code text}, each written as its byte-level character. */
    public static String encodeBytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** Inverse of {@link #encodeBytes}: byte-level characters back to text (invalid UTF-8 becomes U+FFFD). */
    public static String decodeBytes(CharSequence symbols) {
        byte[] bytes = new byte[symbols.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = charToByte(symbols.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("not a byte-level character: U+"
                        + Integer.toHexString(symbols.charAt(i)));
            }
            bytes[i] = (byte) b;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The pre-tokens of {@code text} under the GPT-2 pattern, as raw text (not yet byte-mapped). */
    public static List<String> split(CharSequence text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Applies {@code sink} to each pre-token of {@code text}, already byte-mapped. */
    public static void forEachPreToken(CharSequence text, java.util.function.Consumer<String> sink) {
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            sink.accept(encodeBytes(m.group()));
        }
    }

    /**
     * True for the characters {@code \s} matches under {@link Pattern#UNICODE_CHARACTER_CLASS}
     * (Unicode White_Space). A chunk of text may be cut just before such a character when the one
     * before it is not whitespace: every pre-token ends there, so chunks pre-tokenize as the whole would.
     */
    public static boolean isWhitespace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
