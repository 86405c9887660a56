package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The base model every notebook fine-tunes: small, loadable, deterministic, and not noise. */
class ShippedModelTest {
    static final Path DIR = Path.of("../models/tiny-base");
    static CausalLM model;

    @BeforeAll
    static void load() {
        model = CausalLM.load(DIR);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void isASmallLlamaWithItsTokenizer() throws Exception {
        assertEquals(Architecture.LLAMA, model.config().architecture());
        long params = model.parameterCount();
        assertTrue(params >= 5_000_000 && params <= 30_000_000, "parameters: " + params);
        assertEquals(model.config().vocabSize(), model.tokenizer().vocabSize());
        assertTrue(Files.size(DIR.resolve("model.safetensors")) <= 30L << 20);
        assertTrue(model.unusedTensors().isEmpty(), model.unusedTensors().toString());
    }

    @Test
    void realFrenchScoresFarBetterThanTheSameWordsShuffled() {
        String sentence = "Pour installer un nouveau paquet, utilisez la commande apt avec les droits de "
                + "l'administrateur, puis redémarrez le service si nécessaire.";
        List<String> words = new ArrayList<>(Arrays.asList(sentence.split(" ")));
        Collections.shuffle(words, new Random(1));
        double real = meanNll(sentence);
        double shuffled = meanNll(String.join(" ", words));
        assertTrue(real < shuffled - 1.0, "real " + real + " vs shuffled " + shuffled);
        assertTrue(real < 5.0, "mean NLL of real French: " + real);
    }

    private static double meanNll(String text) {
        float[] lp = model.tokenLogProbs(model.tokenizer().encode(text, true));
        double sum = 0;
        for (float x : lp) {
            sum -= x;
        }
        return sum / lp.length;
    }

    @Test
    void greedyIsDeterministicStreamsAndStopsOnStopStrings() {
        String prompt = "Le système de fichiers";
        GenerationSettings settings = GenerationSettings.builder().maxNewTokens(40).eosTokenIds(List.of()).build();
        Generator g = Generator.of(model);
        StringBuilder streamed = new StringBuilder();
        GenerationResult first = g.generate(List.of(prompt), settings, (row, id, delta) -> streamed.append(delta)).get(0);
        GenerationResult second = g.generate(prompt, settings);
        assertEquals(first.text(), second.text());
        assertEquals(first.text(), streamed.toString());
        assertTrue(first.text().strip().length() > 20, first.text());

        String text = first.text();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        GenerationResult stopped = g.generate(prompt, settings.toBuilder().stopStrings(stop).build());
        assertEquals(GenerationResult.FinishReason.STOP_STRING, stopped.finishReason());
        assertEquals(text.substring(0, text.indexOf(stop)), stopped.text());

        // With several stop strings the text is cut at the one that appears first, whatever their order.
        String early = text.substring(text.length() / 4, text.length() / 4 + 2);
        GenerationResult both = g.generate(prompt, settings.toBuilder().stopStrings(stop, early).build());
        assertEquals(text.substring(0, Math.min(text.indexOf(stop), text.indexOf(early))), both.text());
    }
}
