package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ROUGE against rouge-score's tests, several of them checked there against ROUGE-1.5.5. */
class RougeTest {
    private static final JsonObject CASES = Cases.json("rouge_cases.json");
    private static final Map<String, Function<RougeScores, RougeScore>> TYPES = Map.of(
            "rouge1", RougeScores::rouge1, "rouge2", RougeScores::rouge2, "rougeL", RougeScores::rougeL,
            "rougeLsum", RougeScores::rougeLsum);

    static Stream<Arguments> scoreCases() {
        return Cases.objects(CASES.getAsJsonArray("score")).stream().map(c -> Arguments.of(c.get("name").getAsString(), c));
    }

    static Stream<Arguments> tokenizeCases() {
        return Cases.objects(CASES.getAsJsonArray("tokenize_ascii")).stream()
                .map(c -> Arguments.of(c.get("text").getAsString(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void scoresMatchRougeScore(String name, JsonObject c) {
        Rouge rouge = Rouge.builder().stemming(c.get("stemming").getAsBoolean()).build();
        RougeScores scores = rouge.score(c.get("target").getAsString(), c.get("prediction").getAsString());
        // assertAlmostEqual(places=p): the difference rounds to 0 at p decimals.
        double tolerance = 0.5 * Math.pow(10, -c.get("places").getAsInt());
        for (Map.Entry<String, com.google.gson.JsonElement> e : c.getAsJsonObject("expected").entrySet()) {
            RougeScore actual = TYPES.get(e.getKey()).apply(scores);
            JsonObject expected = e.getValue().getAsJsonObject();
            assertEquals(expected.get("precision").getAsDouble(), actual.precision(), tolerance, e.getKey() + " precision");
            assertEquals(expected.get("recall").getAsDouble(), actual.recall(), tolerance, e.getKey() + " recall");
            assertEquals(expected.get("fmeasure").getAsDouble(), actual.fmeasure(), tolerance, e.getKey() + " F");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizeCases")
    void asciiTokenizerDropsAccentedLettersAsRougeScoreDoes(String text, JsonObject c) {
        assertEquals(Cases.strings(c.get("ascii")), RougeTokenizer.ASCII.tokenize(text, null));
    }

    @Test
    void unicodeTokenizerKeepsFrenchWordsWhole() {
        assertEquals(List.of("l", "été", "à", "noël", "très", "agréable"),
                RougeTokenizer.UNICODE.tokenize("L'été à Noël, très agréable !", null));
        Rouge ascii = Rouge.builder().build();
        Rouge unicode = Rouge.builder().tokenizer(RougeTokenizer.UNICODE).build();
        // rouge-score reads both "pâté" and "pété" as the tokens "p t": a perfect match.
        assertEquals(1.0, ascii.score("pâté", "pété").rouge2().fmeasure(), 1e-12);
        assertEquals(0.0, unicode.score("pâté", "pété").rouge1().fmeasure());
        assertEquals(1.0, unicode.score("Très agréable été", "très agréable été").rougeL().fmeasure(), 1e-12);
    }

    @Test
    void summaryLevelLcsIsTheUnionOfSentenceLcs() {
        // Section 3.2 of Lin (2004), as rouge-score's testSummaryLevelLcs.
        RougeScore s = Rouge.summaryLevelLcs(List.of(List.of("1", "2", "3", "4", "5")),
                List.of(List.of("1", "2", "6", "7", "8"), List.of("1", "3", "8", "9", "5")));
        assertEquals(0.8, s.recall(), 1e-12);
        assertEquals(0.4, s.precision(), 1e-12);
        assertEquals(0.0, Rouge.summaryLevelLcs(List.of(List.of("reference")), List.of(List.of())).recall());
    }

    @Test
    void stemmingConflatesInflections() {
        Rouge plain = Rouge.builder().build();
        Rouge stemmed = Rouge.builder().stemming(true).build();
        String target = "the cats were running quickly";
        String prediction = "the cat runs quick";
        assertTrue(stemmed.score(target, prediction).rouge1().fmeasure() > plain.score(target, prediction).rouge1().fmeasure());
    }

    @Test
    void multiTargetTakesTheBestAndMeanAverages() {
        Rouge rouge = Rouge.builder().build();
        RougeScores best = rouge.scoreMulti(List.of("a b c d", "a b x y", "w x y z"), "a b c z");
        assertEquals(0.75, best.rouge1().fmeasure(), 1e-12);
        assertEquals(2.0 / 3, best.rouge2().fmeasure(), 1e-12);
        RougeScores mean = rouge.mean(List.of("a b", "c d"), List.of("a b", "x y"));
        assertEquals(0.5, mean.rougeL().fmeasure(), 1e-12);
        assertEquals(0.5, rouge.rougeN("a b c", "a b c", 3).fmeasure() / 2, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> rouge.rougeN("a", "a", 0));
        assertThrows(IllegalArgumentException.class, () -> rouge.mean(List.of("a"), List.of()));
    }
}
