package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logits equal the reference implementation of transformers' semantics (fixtures README) to 1e-4
 * in float32, for every architecture, storage dtype, sharding, padding and rope variant shipped.
 */
class TransformersParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama2", "llama3", "mistral", "qwen2", "qwen3", "llama-sharded"})
    void logitsMatchReference(String name) throws Exception {
        JsonObject ref = Fixtures.reference(name);
        long[][] ids = Fixtures.longMatrix(ref.getAsJsonArray("input_ids"));
        long[][] mask = Fixtures.longMatrix(ref.getAsJsonArray("attention_mask"));
        long[][] positions = Fixtures.longMatrix(ref.getAsJsonArray("position_ids"));
        JsonArray expected = ref.getAsJsonArray("logits");
        try (CausalLM model = CausalLM.load(Fixtures.dir(name)); NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(ids.length, ids[0].length);
            NDArray logits = model.transformer().forward(m.create(Fixtures.flat(ids), shape),
                    m.create(Fixtures.flat(positions), shape), m.create(Fixtures.flat(mask), shape), null);
            int vocab = model.config().vocabSize();
            float[] actual = logits.toFloatArray();
            double maxDiff = 0;
            int compared = 0;
            for (int b = 0; b < ids.length; b++) {
                for (int t = 0; t < ids[0].length; t++) {
                    if (mask[b][t] == 0) {
                        continue;
                    }
                    JsonArray row = expected.get(b).getAsJsonArray().get(t).getAsJsonArray();
                    for (int v = 0; v < vocab; v++) {
                        float a = actual[(b * ids[0].length + t) * vocab + v];
                        maxDiff = Math.max(maxDiff, Math.abs(a - row.get(v).getAsFloat()));
                        compared++;
                    }
                }
            }
            assertTrue(compared > 0);
            assertTrue(maxDiff <= 1e-4, name + ": max abs diff " + maxDiff + " over " + compared + " logits");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama2", "qwen2"})
    void cachedGreedyDecodingMatchesFullRecomputation(String name) throws Exception {
        JsonObject ref = Fixtures.reference(name);
        long[] prompt = Fixtures.longMatrix(ref.getAsJsonArray("input_ids"))[0];
        JsonArray greedy = ref.getAsJsonArray("greedy_ids");
        long[] expected = new long[greedy.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = greedy.get(i).getAsLong();
        }
        try (CausalLM model = CausalLM.load(Fixtures.dir(name))) {
            GenerationSettings settings = GenerationSettings.builder().maxNewTokens(expected.length)
                    .eosTokenIds(List.of()).build();
            List<Long> streamed = new ArrayList<>();
            GenerationResult result = Generator.of(model)
                    .generateIds(List.of(prompt), settings, (row, id, delta) -> streamed.add(id)).get(0);
            assertArrayEquals(expected, result.ids());
            assertEquals(expected.length, streamed.size());
            assertEquals(GenerationResult.FinishReason.LENGTH, result.finishReason());
        }
    }
}
