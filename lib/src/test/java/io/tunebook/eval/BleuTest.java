package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BLEU against values computed by sacrebleu (its README and tests) and by NLTK; see resources/eval/README.md. */
class BleuTest {
    private static final JsonObject CASES = Cases.json("bleu_cases.json");

    static Stream<Arguments> corpusCases() {
        return Cases.objects(CASES.getAsJsonArray("corpus")).stream().map(c -> Arguments.of(c.get("name").getAsString(), c));
    }

    static Stream<Arguments> sentenceCases() {
        return Cases.objects(CASES.getAsJsonArray("sentence")).stream().map(c -> Arguments.of(c.get("name").getAsString(), c));
    }

    static Stream<Arguments> statisticsCases() {
        return Cases.objects(CASES.getAsJsonArray("statistics")).stream().map(c -> Arguments.of(c.get("name").getAsString(), c));
    }

    static Stream<Arguments> tokenizeCases() {
        return Cases.objects(CASES.getAsJsonArray("tokenize_13a")).stream().map(c -> Arguments.of(c.get("text").getAsString(), c));
    }

    /** Settings as sacrebleu's keyword arguments name them, over the given defaults. */
    private static Bleu settings(JsonObject c, Bleu.Builder b) {
        if (c.has("tokenize")) {
            b.tokenizer(c.get("tokenize").getAsString().equals("none") ? BleuTokenizer.NONE : BleuTokenizer.THIRTEEN_A);
        }
        if (c.has("lowercase")) {
            b.lowercase(c.get("lowercase").getAsBoolean());
        }
        if (c.has("effective_order")) {
            b.effectiveOrder(c.get("effective_order").getAsBoolean());
        }
        if (c.has("smooth_method")) {
            BleuSmoothing m = smoothing(c.get("smooth_method").getAsString());
            if (c.has("smooth_value")) {
                b.smoothing(m, c.get("smooth_value").getAsDouble());
            } else {
                b.smoothing(m);
            }
        }
        return b.build();
    }

    private static BleuSmoothing smoothing(String name) {
        for (BleuSmoothing s : BleuSmoothing.values()) {
            if (s.signature().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusCases")
    void corpusScoreMatchesReference(String name, JsonObject c) {
        List<List<String>> streams = new ArrayList<>();
        for (JsonElement s : c.getAsJsonArray("references")) {
            streams.add(Cases.strings(s));
        }
        BleuScore score = settings(c, Bleu.builder()).corpusScore(Cases.strings(c.get("hypotheses")), streams);
        assertEquals(c.get("expected").getAsDouble(), score.score(), c.get("tolerance").getAsDouble(), score.toString());
        if (c.has("formatted")) {
            assertEquals(c.get("formatted").getAsString(), score.toString());
        }
        if (c.has("signature")) {
            assertEquals(c.get("signature").getAsString() + Bleu.VERSION, score.signature());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sentenceCases")
    void sentenceScoreMatchesReference(String name, JsonObject c) {
        BleuScore score = settings(c, Bleu.sentence().toBuilder())
                .sentenceScore(c.get("hypothesis").getAsString(), Cases.strings(c.get("references")));
        assertEquals(c.get("expected").getAsDouble(), score.score(), c.get("tolerance").getAsDouble(), score.toString());
        if (c.has("signature")) {
            assertEquals(c.get("signature").getAsString() + Bleu.VERSION, score.signature());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statisticsCases")
    void scoreFromStatisticsMatchesReference(String name, JsonObject c) {
        Bleu bleu = settings(c, Bleu.builder());
        double[] correct = doubles(c, "correct");
        double[] total = doubles(c, "total");
        double[] stats = new double[2 + correct.length + total.length];
        stats[0] = c.get("sys_len").getAsInt();
        stats[1] = c.get("ref_len").getAsInt();
        System.arraycopy(correct, 0, stats, 2, correct.length);
        System.arraycopy(total, 0, stats, 2 + correct.length, total.length);
        assertEquals(c.get("expected").getAsDouble(), bleu.fromStatistics(stats, "1").score(),
                c.get("tolerance").getAsDouble());
    }

    private static double[] doubles(JsonObject c, String field) {
        return Cases.strings(c.get(field)).stream().mapToDouble(Double::parseDouble).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizeCases")
    void thirteenATokenizationMatchesSacrebleuRegexes(String text, JsonObject c) {
        assertEquals(Cases.strings(c.get("tokens")), BleuTokenizer.THIRTEEN_A.tokenize(text));
    }

    @Test
    void identicalTextScoresOneHundredAndWordOrderMatters() {
        Bleu bleu = Bleu.corpus();
        String ref = "Votre commande est partie ce matin de notre entrepôt de Lyon.";
        assertEquals(100.0, bleu.corpusScore(List.of(ref), List.of(List.of(ref))).score(), 1e-9);
        String shuffled = "Lyon de entrepôt notre de matin ce partie est commande Votre.";
        assertTrue(bleu.corpusScore(List.of(shuffled), List.of(List.of(ref))).score() < 20);
    }

    @Test
    void variableReferenceCountIsSignedVar() {
        BleuScore s = Bleu.corpus().corpusScore(List.of("a b c d", "e f g h"),
                List.of(List.of("a b c d", "e f g h"), List.of("a b c", "")));
        assertTrue(s.signature().startsWith("nrefs:var|"), s.signature());
    }

    @Test
    void badInputIsRejectedWithTheSegment() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpus().corpusScore(List.of("a", "b"), List.of(List.of("a", ""))));
        assertTrue(e.getMessage().contains("segment 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bleu.corpus().corpusScore(List.of("a"), List.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> Bleu.builder().smoothing(BleuSmoothing.EXP, 0.5).build());
        assertThrows(IllegalArgumentException.class, () -> Bleu.builder().maxNgramOrder(0).build());
    }

    @Test
    void floorSignatureCarriesItsValue() {
        Bleu bleu = Bleu.builder().smoothing(BleuSmoothing.FLOOR).lowercase(true).build();
        assertEquals("nrefs:1|case:lc|eff:no|tok:13a|smooth:floor[0.10]|version:" + Bleu.VERSION, bleu.signature("1"));
    }
}
