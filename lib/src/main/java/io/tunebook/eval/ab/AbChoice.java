package io.tunebook.eval.ab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** A rater's verdict on a blinded pair, in the labels the rater saw. */
public enum AbChoice {
    A, B, TIE;

    private static final Pattern SEPARATORS = Pattern.compile("[\\s,;/|]+");
    private static final Pattern RUN_TOGETHER = Pattern.compile("[abAB=]+");
    private static final String ONE = "A, B or tie (also t or =)";

    /** {@code a}, {@code b}, {@code tie} (or {@code t}, {@code =}), in any case. */
    public static AbChoice parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "a" -> A;
            case "b" -> B;
            case "tie", "t", "=" -> TIE;
            default -> throw new IllegalArgumentException("a rating is A, B or tie, got '" + text + "'");
        };
    }

    /**
     * Ratings of a session's pairs in the order they were shown, typed in one string, leniently: separated by blanks,
     * commas, semicolons, slashes or bars ({@code "A B = tie b"}, {@code "a,b,=,a"}), or run together when they are
     * letters A and B and {@code =} ({@code "AB=BA"}); case does not matter.
     *
     * @param expected how many ratings there must be (one per pair)
     * @throws IllegalArgumentException naming the position (from 1) of the first rating it cannot read and what it
     *     expected there, or how many ratings it expected
     */
    public static List<AbChoice> parseAll(CharSequence ratings, int expected) {
        List<AbChoice> out = new ArrayList<>();
        for (String word : SEPARATORS.split(ratings.toString().strip())) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.length() > 1 && RUN_TOGETHER.matcher(word).matches()) {
                word.chars().forEach(c -> out.add(parse(Character.toString(c))));
            } else {
                out.add(parseAt(word, out.size() + 1));
            }
        }
        return counted(out, expected);
    }

    /** As {@link #parseAll(CharSequence, int)}, one rating per element ({@code List.of("A", "tie", "b")}). */
    public static List<AbChoice> parseAll(List<?> ratings, int expected) {
        List<AbChoice> out = new ArrayList<>();
        for (Object r : ratings) {
            if (r instanceof AbChoice c) {
                out.add(c);
            } else if (r instanceof CharSequence || r instanceof Character) {
                out.add(parseAt(r.toString(), out.size() + 1));
            } else {
                throw new IllegalArgumentException("rating " + (out.size() + 1) + ": expected " + ONE + ", got "
                        + (r == null ? "null" : "a " + r.getClass().getSimpleName() + " (" + r + ")"));
            }
        }
        return counted(out, expected);
    }

    private static AbChoice parseAt(String word, int position) {
        try {
            return parse(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rating " + position + ": expected " + ONE + ", got '" + word + "'", e);
        }
    }

    private static List<AbChoice> counted(List<AbChoice> ratings, int expected) {
        if (ratings.size() != expected) {
            throw new IllegalArgumentException("expected " + expected + " ratings, one per pair in the order shown, got "
                    + ratings.size());
        }
        return List.copyOf(ratings);
    }

    /** As the ratings file writes it. */
    public String label() {
        return this == TIE ? "tie" : name();
    }
}
