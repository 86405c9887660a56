package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    @Test
    void leftPaddedBatchDecodesEachRowAsAlone() {
        try (CausalLM model = CausalLM.load(Fixtures.dir("llama3"))) {
            long[] shortPrompt = {1, 17, 40};
            long[] longPrompt = {1, 90, 12, 55, 7, 101, 33};
            GenerationSettings settings = GenerationSettings.builder().maxNewTokens(8).eosTokenIds(List.of()).build();
            Generator g = Generator.of(model);
            List<GenerationResult> batch = g.generateIds(List.of(shortPrompt, longPrompt), settings, null);
            assertArrayEquals(g.generateIds(List.of(shortPrompt), settings, null).get(0).ids(), batch.get(0).ids());
            assertArrayEquals(g.generateIds(List.of(longPrompt), settings, null).get(0).ids(), batch.get(1).ids());
        }
    }

    @Test
    void samplingIsSeededAndStopsOnEos() {
        try (CausalLM model = CausalLM.load(Fixtures.dir("qwen2"))) {
            long[] prompt = {3, 14, 15, 92};
            Generator g = Generator.of(model);
            GenerationSettings sampled = GenerationSettings.builder().maxNewTokens(12).temperature(1.5).topK(40)
                    .topP(0.95).repetitionPenalty(1.3).eosTokenIds(List.of()).seed(7).build();
            long[] a = g.generateIds(List.of(prompt), sampled, null).get(0).ids();
            long[] b = g.generateIds(List.of(prompt), sampled, null).get(0).ids();
            long[] c = g.generateIds(List.of(prompt), sampled.toBuilder().seed(8).build(), null).get(0).ids();
            assertArrayEquals(a, b);
            assertNotEquals(List.of(a), List.of(c));
            // Declaring the third sampled token an EOS id ends the sequence right there.
            GenerationResult stopped = g.generateIds(List.of(prompt),
                    sampled.toBuilder().eosTokenIds(List.of(a[2])).build(), null).get(0);
            assertEquals(GenerationResult.FinishReason.EOS, stopped.finishReason());
            assertEquals(a[2], stopped.ids()[stopped.ids().length - 1]);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().topP(0).build());
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().temperature(-1).build());
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.builder().maxNewTokens(0).build());
    }
}
