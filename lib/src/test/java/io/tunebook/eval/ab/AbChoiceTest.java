package io.tunebook.eval.ab;

import static io.tunebook.eval.ab.AbChoice.A;
import static io.tunebook.eval.ab.AbChoice.B;
import static io.tunebook.eval.ab.AbChoice.TIE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ratings typed in a notebook cell: read leniently, refused with the position and what was expected there. */
class AbChoiceTest {
    @Test
    void aRatingStringMayUseAnySeparatorCaseOrNone() {
        List<AbChoice> expected = List.of(A, B, TIE, A, B, TIE);
        assertEquals(expected, AbChoice.parseAll("A B = a b tie", 6));
        assertEquals(expected, AbChoice.parseAll("  a, b; =/A | B ,t\n", 6));
        assertEquals(expected, AbChoice.parseAll("AB=ab T", 6));
        assertEquals(List.of(TIE, TIE), AbChoice.parseAll("Tie TIE", 2));
    }

    @Test
    void aListHoldsOneRatingPerElement() {
        assertEquals(List.of(A, TIE, B), AbChoice.parseAll(List.of("a", " tie ", "B"), 3));
        assertEquals(List.of(B, A), AbChoice.parseAll(List.of('B', A), 2));
    }

    @Test
    void anUnreadableRatingIsNamedByItsPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AbChoice.parseAll("A B C A", 4));
        assertEquals("rating 3: expected A, B or tie (also t or =), got 'C'", e.getMessage());
        // Letters run together count one rating each, so the bad word's position counts them.
        e = assertThrows(IllegalArgumentException.class, () -> AbChoice.parseAll("ABA egal B", 5));
        assertEquals("rating 4: expected A, B or tie (also t or =), got 'egal'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AbChoice.parseAll(Arrays.asList("A", null), 2));
        assertEquals("rating 2: expected A, B or tie (also t or =), got null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AbChoice.parseAll(List.of("A", 2), 2));
        assertEquals("rating 2: expected A, B or tie (also t or =), got a Integer (2)", e.getMessage());
    }

    @Test
    void tooFewOrTooManyRatingsSayHowManyWereExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AbChoice.parseAll("A B =", 4));
        assertEquals("expected 4 ratings, one per pair in the order shown, got 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AbChoice.parseAll("ABAB A", 4));
        assertEquals("expected 4 ratings, one per pair in the order shown, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AbChoice.parseAll("   ", 1));
    }
}
