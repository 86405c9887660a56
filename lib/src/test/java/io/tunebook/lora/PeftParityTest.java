package io.tunebook.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adapters in PEFT's layout, made by the fixture recipe (fixtures README), load into tunebook with
 * the reference logits, and survive save, merge, unmerge and disabling.
 */
class PeftParityTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @ParameterizedTest
    @ValueSource(strings = {"peft-lora", "peft-dora", "peft-layers"})
    void loadsPeftAdaptersWithTheReferenceLogits(String name, @TempDir Path tmp) throws Exception {
        JsonObject ref = JsonParser.parseString(Files.readString(FIXTURES.resolve(name).resolve("reference.json")))
                .getAsJsonObject();
        Path base = FIXTURES.resolve(ref.get("base").getAsString());
        Inputs in = new Inputs(ref);
        boolean trainsBiases = Files.readString(FIXTURES.resolve(name).resolve("adapter_config.json"))
                .contains("\"bias\": \"all\"");
        try (CausalLM model = CausalLM.load(base)) {
            float[] baseLogits = in.logits(model);
            Map<String, float[]> weights = new HashMap<>();
            model.transformer().parameters().forEach((k, v) -> weights.put(k, v.toFloatArray()));
            try (LoraModel lora = LoraModel.load(model, FIXTURES.resolve(name))) {
                float[] adapted = in.logits(model);
                double diff = in.maxDiffOnRealTokens(adapted, ref.getAsJsonArray("logits"));
                assertTrue(diff <= ref.get("tolerance").getAsDouble(), name + ": max abs diff " + diff);

                if (!trainsBiases) {
                    try (LoraModel.DisabledAdapters off = lora.disableAdapters()) {
                        assertArrayEquals(baseLogits, in.logits(model), "disabled adapters give the base logits");
                    }
                }

                lora.save(tmp);
                try (CausalLM fresh = CausalLM.load(base); LoraModel again = LoraModel.load(fresh, tmp)) {
                    assertArrayEquals(adapted, in.logits(fresh), "save then load is exact");
                }

                lora.merge();
                assertTrue(in.maxDiff(adapted, in.logits(model)) <= 1e-4, "merged equals unmerged");
                lora.unmerge();
                model.transformer().parameters().forEach((k, v) -> {
                    if (!k.endsWith(".bias")) {
                        assertArrayEquals(weights.get(k), v.toFloatArray(), 1e-5f, k + " restored by unmerge");
                    }
                });
            }
            if (trainsBiases) {
                // bias = all: the adapter's trained biases now sit in the base model, as with PEFT.
                assertTrue(in.maxDiff(baseLogits, in.logits(model)) > 1e-3);
            } else {
                assertTrue(in.maxDiff(baseLogits, in.logits(model)) <= 1e-4, "closed after unmerge: the base model");
            }
        }
    }

    /** Ids, positions and padding of a reference.json, and the comparison of logits on real tokens. */
    private static final class Inputs {
        final long[][] ids;
        final long[][] mask;
        final long[][] positions;

        Inputs(JsonObject ref) {
            ids = matrix(ref.getAsJsonArray("input_ids"));
            mask = matrix(ref.getAsJsonArray("attention_mask"));
            positions = matrix(ref.getAsJsonArray("position_ids"));
        }

        float[] logits(CausalLM model) {
            try (NDManager m = model.manager().newSubManager()) {
                Shape shape = new Shape(ids.length, ids[0].length);
                return model.transformer().forward(Tensors.of(m, flat(ids), shape), Tensors.of(m, flat(positions), shape),
                        Tensors.of(m, flat(mask), shape), null).toFloatArray();
            }
        }

        double maxDiff(float[] a, float[] b) {
            int vocab = a.length / (ids.length * ids[0].length);
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                if (mask[i / vocab / ids[0].length][i / vocab % ids[0].length] == 1) {
                    max = Math.max(max, Math.abs(a[i] - b[i]));
                }
            }
            return max;
        }

        double maxDiffOnRealTokens(float[] actual, JsonArray expected) {
            float[] flat = new float[actual.length];
            int k = 0;
            for (var batch : expected) {
                for (var row : batch.getAsJsonArray()) {
                    for (var v : row.getAsJsonArray()) {
                        flat[k++] = v.getAsFloat();
                    }
                }
            }
            assertEquals(actual.length, k);
            return maxDiff(actual, flat);
        }

        private static long[][] matrix(JsonArray rows) {
            long[][] out = new long[rows.size()][];
            for (int i = 0; i < out.length; i++) {
                JsonArray row = rows.get(i).getAsJsonArray();
                out[i] = new long[row.size()];
                for (int j = 0; j < out[i].length; j++) {
                    out[i][j] = row.get(j).getAsLong();
                }
            }
            return out;
        }

        private static long[] flat(long[][] rows) {
            long[] out = new long[rows.length * rows[0].length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
            }
            return out;
        }
    }
}
