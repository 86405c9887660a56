package io.tunebook.eval.ab;

import java.util.Locale;

/** A rater's verdict on a blinded pair, in the labels the rater saw. */
public enum AbChoice {
    A, B, TIE;

    /** {@code a}, {@code b}, {@code tie} (or {@code t}, {@code =}), in any case. */
    public static AbChoice parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "a" -> A;
            case "b" -> B;
            case "tie", "t", "=" -> TIE;
            default -> throw new IllegalArgumentException("a rating is A, B or tie, got '" + text + "'");
        };
    }

    /** As the ratings file writes it. */
    public String label() {
        return this == TIE ? "tie" : name();
    }
}
