package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stemmer against NLTK 3.8's PorterStemmer() (mode NLTK_EXTENSIONS) on 5,821 English words. */
class PorterStemmerTest {
    private final PorterStemmer stemmer = new PorterStemmer();

    @Test
    void stemsEveryWordAsNltkDoes() {
        List<String> mismatches = new ArrayList<>();
        int words = 0;
        for (String line : Cases.text("porter_nltk.tsv").split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] pair = line.split("\t");
            words++;
            String stem = stemmer.stem(pair[0]);
            if (!stem.equals(pair[1])) {
                mismatches.add(pair[0] + " -> " + stem + " (NLTK: " + pair[1] + ")");
            }
        }
        assertTrue(words > 5000, "vocabulary too small: " + words);
        assertEquals(List.of(), mismatches);
    }

    @Test
    void paperExamplesAndNltkExtensions() {
        // From Porter (1980) and the comments of NLTK's porter.py.
        assertEquals("caress", stemmer.stem("caresses"));
        assertEquals("poni", stemmer.stem("ponies"));
        assertEquals("die", stemmer.stem("dies"));
        assertEquals("spi", stemmer.stem("spied"));
        assertEquals("sky", stemmer.stem("skies"));
        assertEquals("enjoy", stemmer.stem("enjoy"));
        assertEquals("gener", stemmer.stem("generalli"));
        assertEquals("is", stemmer.stem("is"));
        assertEquals("run", stemmer.stem("Running"));
    }
}
