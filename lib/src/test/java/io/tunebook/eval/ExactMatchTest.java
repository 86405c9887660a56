package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactMatchTest {
    @Test
    void defaultsOnlyCollapseWhitespace() {
        ExactMatch em = ExactMatch.builder().build();
        assertTrue(em.matches("  Livraison  en\n5 jours\n", "Livraison en 5 jours"));
        assertFalse(em.matches("livraison en 5 jours", "Livraison en 5 jours"));
        assertFalse(em.matches("Livraison en 5 jours.", "Livraison en 5 jours"));
        assertEquals(0.5, em.rate(List.of("a", "b"), List.of("a", "c")));
        assertThrows(IllegalArgumentException.class, () -> em.rate(List.of("a"), List.of()));
    }

    @Test
    void optionsFoldCasePunctuationAndAccents() {
        ExactMatch loose = ExactMatch.builder().ignoreCase(true).ignorePunctuation(true).stripAccents(true).build();
        assertEquals("lete a noel", loose.normalize("« L'Été » à Noël !"));
        assertTrue(loose.matches("« Remboursé ! »", "rembourse"));
        assertFalse(ExactMatch.builder().ignoreCase(true).build().matches("Remboursé", "rembourse"));
        assertFalse(ExactMatch.builder().collapseWhitespace(false).build().matches("oui\n", "oui"));
    }

    @Test
    void lengthStatsCountCharactersWordsTokensAndBlanks() {
        LengthStats s = LengthStats.of(List.of("Bonjour à vous", "", "  ", "été"), text -> text.length() * 2);
        assertEquals(4, s.characters().count());
        assertEquals(14, s.characters().max());
        assertEquals(3, s.words().max());
        assertEquals(1.0, s.words().mean());
        assertEquals(2, s.empty());
        LengthStats ref = LengthStats.of(List.of("ab", "cd"), TokenCounter.codePoints());
        assertEquals((14 + 0 + 2 + 3) / 4.0 * 2 / 2.0, s.tokenRatioTo(ref), 1e-12);
    }
}
