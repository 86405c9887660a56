package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckTest {
    @Test
    void aRightAnswerIsAGreenBox() {
        Check<Integer> c = Check.that("r", 8).isBetween(4, 16).hint("never shown when right");
        assertTrue(c.passed());
        String html = c.mimeBundle().html().orElseThrow();
        assertTrue(html.contains("data-check=\"right\"") && html.contains("r = 8"), html);
        assertFalse(html.contains("never shown"), html);
        assertEquals(8, c.value());
    }

    @Test
    void aWrongAnswerSaysSoWithItsHintAndTheFallbackTheCellsBelowUse() {
        Check<Integer> c = Check.that("r", 64).isBetween(4, 16).hint("count r·(in+out) per layer").fallback(8);
        assertEquals(Check.Status.WRONG, c.status());
        assertEquals(8, c.value());
        String text = c.mimeBundle().text();
        assertTrue(text.contains("r = 64 is not right yet") && text.contains("the cells below use 8"), text);
        assertTrue(text.contains("Hint: count r·(in+out) per layer"), text);
        assertTrue(c.mimeBundle().html().orElseThrow().contains("data-check=\"wrong\""));
    }

    @Test
    void anEmptyAnswerOrOneOfTheWrongTypeSaysWhatWasExpectedInsteadOfThrowing() {
        for (Object empty : new Object[] {null, "  ", List.of(), Double.NaN}) {
            Check<Object> c = Check.that("lr", empty).isBetween(1e-5, 1e-3).fallback(2e-4);
            assertEquals(Check.Status.NO_ANSWER, c.status(), String.valueOf(empty));
            assertTrue(c.message().contains("expected a number between"), c.message());
            assertEquals(2e-4, c.value());
        }
        Check<Object> text = Check.that("lr", (Object) "2e-4").isBetween(1e-5, 1e-3);
        assertEquals(Check.Status.WRONG_TYPE, text.status());
        assertTrue(text.message().contains("expected a number between 1.000e-05 and 0.001000, got the text \"2e-4\""),
                text.message());
        assertTrue(text.mimeBundle().html().orElseThrow().contains("data-check=\"wrong-type\""));
    }

    @Test
    void equalityIsByValueForNumbersTextsAndLists() {
        assertTrue(Check.that(8).isEqualTo(8.0).passed());
        assertTrue(Check.that(" Stop ").isOneOf("stop", "continue").passed());
        assertTrue(Check.that(new ArrayList<>(List.of("q_proj", "v_proj"))).isEqualTo(List.of("q_proj", "v_proj"))
                .passed());
        assertTrue(Check.that(List.of("v_proj", "q_proj")).hasSameElementsAs(List.of("q_proj", "v_proj")).passed());
        assertFalse(Check.that(List.of("q_proj")).hasSameElementsAs(List.of("q_proj", "v_proj")).passed());
        assertEquals(Check.Status.WRONG_TYPE, Check.that(3).hasSameElementsAs(List.of("a")).status());
        assertFalse(Check.that(0.5).isCloseTo(0.4, 0.05).passed());
        // A condition that cannot read the answer counts as wrong, never as an exception in the cell.
        assertEquals(Check.Status.WRONG, Check.that("x").satisfies("a text", String.class, s -> {
            throw new IllegalStateException();
        }).status());
    }
}
