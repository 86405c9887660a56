package io.tunebook;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutation fuzzing for the fuzz tests: each case takes a valid seed input and applies one to
 * four random edits (bit flips, byte or token insertions, deletions, duplications, boundary numbers,
 * truncation). The number of cases is {@code tunebook.fuzz.cases} (CI runs the default; {@code bench/fuzz.sh}
 * runs many more); a failing case names its seed and index, so it can be replayed.
 */
public final class Mutations {
    /** Tokens that push parsers to their edges. */
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud800",
            "null", "true", "-1", "0", "1e309", "NaN", "-0", "9223372036854775808", "2147483648", "1.5", "\u0000",
            "\uFEFF", "\n", "'", "{{", "}}", "{%", "%}", "{#", "#}", "!!binary", "&a", "*a", "<<", "- ", ": ", "? ",
            "\t", "é", "\uD83D\uDE00", "\"\":", "{\"a\":1,\"a\":2}", "[[[[[[[[", "]]]]]]]]");

    private final Random random;

    public Mutations(long seed) {
        this.random = new Random(seed);
    }

    /** How many cases a fuzz test runs: {@code tunebook.fuzz.cases}, else {@code fallback}. */
    public static int cases(int fallback) {
        return Integer.getInteger("tunebook.fuzz.cases", fallback);
    }

    public byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            b = edit(b);
        }
        return b;
    }

    public String mutate(String seed) {
        return new String(mutate(seed.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private byte[] edit(byte[] b) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
        switch (random.nextInt(7)) {
            case 0 -> { // flip a bit
                if (b.length > 0) {
                    int i = random.nextInt(b.length);
                    b[i] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 1 -> { // insert a token
                return splice(b, at, at, TOKENS.get(random.nextInt(TOKENS.size())).getBytes(StandardCharsets.UTF_8));
            }
            case 2 -> { // delete a run
                int end = Math.min(b.length, at + 1 + random.nextInt(8));
                return splice(b, at, end, new byte[0]);
            }
            case 3 -> { // duplicate a run
                int end = Math.min(b.length, at + 1 + random.nextInt(32));
                return splice(b, at, at, Arrays.copyOfRange(b, at, end));
            }
            case 4 -> { // a random byte
                return splice(b, at, at, new byte[] {(byte) random.nextInt(256)});
            }
            case 5 -> { // truncate
                return Arrays.copyOf(b, at);
            }
            default -> { // replace a digit run by a boundary number
                for (int i = at; i < b.length; i++) {
                    if (b[i] >= '0' && b[i] <= '9') {
                        int end = i;
                        while (end < b.length && b[end] >= '0' && b[end] <= '9') {
                            end++;
                        }
                        String[] numbers = {"0", "-1", "4294967296", "9223372036854775807", "99999999999999999999",
                            "1e9", "2147483647"};
                        return splice(b, i, end, numbers[random.nextInt(numbers.length)].getBytes(StandardCharsets.UTF_8));
                    }
                }
                return b;
            }
        }
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }
}
