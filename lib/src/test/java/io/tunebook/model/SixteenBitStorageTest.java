package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frozen weights held in 16 bits give the logits of the float32 path up to the rounding of the
 * stored weights, and everything that reads weights back still works.
 */
class SixteenBitStorageTest {
    @TempDir
    Path tmp;

    /**
     * A float16 checkpoint held in float16 computes from exactly the float32 values the float32 path
     * holds (float16 widens exactly), so its logits are the same bits, and as close to the
     * reference as the float32 path (1e-4).
     */
    @Test
    void float16CheckpointHeldInFloat16GivesTheFloat32Logits() throws Exception {
        float[] wide = logits("mistral", "float32");
        float[] half = logits("mistral", "float16");
        assertArrayEquals(wide, half);
        assertTrue(referenceDiff("mistral", "float16") <= 1e-4);
    }

    /**
     * A bfloat16 checkpoint (llama3, tied embeddings) held in 16 bits differs from float32 only where
     * a weight is below float16's normal range (2^-14), by at most 2^-25 each; through two layers of
     * width 64 that stays below 1e-5 (observed: 1.9e-6). "auto" reads torch_dtype bfloat16.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bfloat16", "auto"})
    void bfloat16CheckpointHeldIn16BitsStaysWithin1e5OfFloat32(String dtype) throws Exception {
        double diff = maxDiff(logits("llama3", "float32"), logits("llama3", dtype));
        System.out.printf("llama3 %s: max abs diff from float32 %.3g%n", dtype, diff);
        assertTrue(diff <= 1e-5, "max abs diff " + diff);
        assertTrue(referenceDiff("llama3", dtype) <= 1e-4);
    }

    /**
     * A float32 checkpoint rounded to float16 (relative error up to 2^-11 per weight) moves the
     * logits of these small random models by about 1e-3 of their spread. The bound, 4 × 2^-11 times
     * the largest logit magnitude, allows the rounding of the embedding, of the projections of two
     * layers and of the lm_head to add up; observed: 0.4 to 0.6 of it (e.g. qwen2 0.0068 for logits
     * up to 5.7, llama2 0.0041 for 4.5).
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama2", "qwen2", "qwen3", "llama-sharded"})
    void float32CheckpointRoundedToFloat16StaysWithinItsRounding(String name) throws Exception {
        float[] wide = logits(name, "float32");
        float[] half = logits(name, "float16");
        double scale = 0;
        for (float v : wide) {
            scale = Math.max(scale, Math.abs(v));
        }
        double diff = maxDiff(wide, half);
        System.out.printf("%s: float16 vs float32 max abs diff %.3g, max |logit| %.3g%n", name, diff, scale);
        assertTrue(diff > 0, "rounding to float16 must change something");
        assertTrue(diff <= 4 * 0x1p-11 * scale, name + ": max abs diff " + diff + " for logits up to " + scale);
    }

    /** Embedding, projections and lm_head are float16; norm scales and biases stay float32. */
    @Test
    void normsAndBiasesStayFloat32() {
        try (CausalLM model = CausalLM.load(Fixtures.dir("qwen2"), LoadOptions.builder().dtype("float16").build())) {
            assertEquals(DataType.FLOAT16, model.dtype());
            for (Map.Entry<String, NDArray> e : model.transformer().parameters().entrySet()) {
                String name = e.getKey();
                DataType expected = ParameterLayout.isNorm(name) || name.endsWith(".bias") ? DataType.FLOAT32
                        : DataType.FLOAT16;
                assertEquals(expected, e.getValue().getDataType(), name);
            }
            assertTrue(model.transformer().parameters().containsKey("model.layers.0.self_attn.q_proj.bias"));
            assertEquals(ParameterLayout.count(ParameterLayout.of(model.config())), model.parameterCount());
        }
    }

    /** Saving a 16-bit model writes its values (widened exactly): reloading in float32 gives its logits. */
    @Test
    void savedSixteenBitModelReloadsWithTheSameLogits() throws Exception {
        float[] half;
        try (CausalLM model = CausalLM.load(Fixtures.dir("llama3"), LoadOptions.builder().dtype("bfloat16").build())) {
            half = logits(model, "llama3");
            model.save(tmp.resolve("saved"), Dtype.F32);
        }
        try (CausalLM reloaded = CausalLM.load(tmp.resolve("saved"))) {
            assertEquals(DataType.FLOAT32, reloaded.dtype());
            assertArrayEquals(half, logits(reloaded, "llama3"));
        }
    }

    @Test
    void greedyDecodingOnA16BitModelMatchesTheReference() throws Exception {
        JsonObject ref = Fixtures.reference("qwen2");
        long[] prompt = Fixtures.longMatrix(ref.getAsJsonArray("input_ids"))[0];
        JsonArray greedy = ref.getAsJsonArray("greedy_ids");
        long[] expected = new long[greedy.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = greedy.get(i).getAsLong();
        }
        try (CausalLM model = CausalLM.load(Fixtures.dir("qwen2"), LoadOptions.builder().dtype("float16").build())) {
            GenerationSettings settings = GenerationSettings.builder().maxNewTokens(expected.length)
                    .eosTokenIds(java.util.List.of()).build();
            assertArrayEquals(expected, Generator.of(model).generateIds(java.util.List.of(prompt), settings, null)
                    .get(0).ids());
        }
    }

    static float[] logits(String name, String dtype) throws Exception {
        try (CausalLM model = CausalLM.load(Fixtures.dir(name), LoadOptions.builder().dtype(dtype).build())) {
            return logits(model, name);
        }
    }

    static float[] logits(CausalLM model, String name) throws Exception {
        JsonObject ref = Fixtures.reference(name);
        long[][] ids = Fixtures.longMatrix(ref.getAsJsonArray("input_ids"));
        long[][] mask = Fixtures.longMatrix(ref.getAsJsonArray("attention_mask"));
        long[][] positions = Fixtures.longMatrix(ref.getAsJsonArray("position_ids"));
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(ids.length, ids[0].length);
            NDArray out = model.transformer().forward(m.create(Fixtures.flat(ids), shape),
                    m.create(Fixtures.flat(positions), shape), m.create(Fixtures.flat(mask), shape), null);
            assertEquals(DataType.FLOAT32, out.getDataType());
            return out.toFloatArray();
        }
    }

    /** Max abs difference from the reference logits over real (unpadded) positions. */
    private static double referenceDiff(String name, String dtype) throws Exception {
        JsonObject ref = Fixtures.reference(name);
        long[][] ids = Fixtures.longMatrix(ref.getAsJsonArray("input_ids"));
        long[][] mask = Fixtures.longMatrix(ref.getAsJsonArray("attention_mask"));
        JsonArray expected = ref.getAsJsonArray("logits");
        float[] actual = logits(name, dtype);
        int vocab = actual.length / (ids.length * ids[0].length);
        double max = 0;
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[0].length; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                JsonArray row = expected.get(b).getAsJsonArray().get(t).getAsJsonArray();
                for (int v = 0; v < vocab; v++) {
                    max = Math.max(max, Math.abs(actual[(b * ids[0].length + t) * vocab + v] - row.get(v).getAsFloat()));
                }
            }
        }
        return max;
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
