package io.tunebook.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.tunebook.model.CausalLM;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrapping, switching, disabling, merging and saving adapters on the small llama2 fixture (MHA, untied). */
class LoraModelTest {
    private static final Path BASE = Path.of("src/test/resources/fixtures/llama2");
    private static final long[][] IDS = {{5, 17, 33, 2, 90, 121, 7, 64}, {3, 3, 150, 42, 11, 9, 77, 100}};

    /** An adapter that changes the model from the start (B random), so every check below can fail. */
    private static LoraConfig.Builder random() {
        return LoraConfig.builder().r(4).alpha(8).dropout(0.1).initLoraWeights(LoraInit.RANDOM).seed(7);
    }

    private static Map<String, float[]> snapshot(CausalLM model) {
        Map<String, float[]> out = new HashMap<>();
        model.transformer().parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void defaultInitKeepsTheModelAndCountsLikePeft() {
        try (CausalLM model = CausalLM.load(BASE)) {
            float[] base = Logits.of(model, IDS);
            try (LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(8).build())) {
                assertArrayEquals(base, Logits.of(model, IDS), "B = 0: the adapted model starts as the base");
                // hidden 48, 4 heads of 12: q, k, v, o are all 48 x 48; r (in + out) each, 2 layers.
                long adapters = 2L * 4 * 8 * (48 + 48);
                TrainableParameters counts = lora.parameterCounts();
                assertEquals(adapters, counts.trainable());
                assertEquals(model.parameterCount() + adapters, counts.all());
                assertEquals(String.format(java.util.Locale.ROOT,
                        "trainable params: %,d || all params: %,d || trainable%%: %.4f", adapters,
                        model.parameterCount() + adapters, 100.0 * adapters / (model.parameterCount() + adapters)),
                        counts.toString());
                Map<String, NDArray> trainable = lora.trainableParameters();
                assertEquals(16, trainable.size());
                assertTrue(trainable.containsKey("base_model.model.model.layers.1.self_attn.o_proj.lora_B.default.weight"));
                NDArray a = trainable.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight");
                assertArrayEquals(new long[] {8, 48}, a.getShape().getShape());
                float bound = (float) (1 / Math.sqrt(48));
                for (float v : a.toFloatArray()) {
                    assertTrue(Math.abs(v) <= bound, "Kaiming-uniform A within ±1/√in: " + v);
                }
            }
            assertArrayEquals(base, Logits.of(model, IDS), "closing takes the adapters off");
        }
    }

    @Test
    void disableMergeUnmergeAndMergeAndUnload() {
        try (CausalLM model = CausalLM.load(BASE)) {
            float[] base = Logits.of(model, IDS);
            Map<String, float[]> weights = snapshot(model);
            LoraModel lora = LoraModel.wrap(model, random().targetModules("all-linear").build());
            lora.eval();
            float[] adapted = Logits.of(model, IDS);
            assertTrue(Logits.maxAbsDiff(base, adapted) > 1e-2, "the adapter changes the logits");
            try (LoraModel.DisabledAdapters off = lora.disableAdapters()) {
                assertArrayEquals(base, Logits.of(model, IDS), "disabled adapters give the base logits exactly");
            }
            assertArrayEquals(adapted, Logits.of(model, IDS));

            lora.merge();
            assertEquals(LoraModel.DEFAULT_ADAPTER, lora.mergedAdapter());
            assertTrue(Logits.maxAbsDiff(adapted, Logits.of(model, IDS)) <= 1e-4, "merged equals unmerged");
            assertThrows(LoraException.class, lora::disableAdapters);
            lora.unmerge();
            assertNull(lora.mergedAdapter());
            model.transformer().parameters().forEach((k, v) ->
                    assertArrayEquals(weights.get(k), v.toFloatArray(), 1e-6f, k + " restored by unmerge"));
            assertTrue(Logits.maxAbsDiff(adapted, Logits.of(model, IDS)) <= 1e-5);

            CausalLM merged = lora.mergeAndUnload();
            assertTrue(Logits.maxAbsDiff(adapted, Logits.of(merged, IDS)) <= 1e-4, "merge_and_unload keeps the outputs");
            assertThrows(LoraException.class, lora::trainableParameters);
            assertFalse(java.util.Arrays.equals(weights.get("model.layers.0.mlp.up_proj.weight"),
                    merged.transformer().parameters().get("model.layers.0.mlp.up_proj.weight").toFloatArray()));
        }
    }

    @Test
    void severalNamedAdaptersSwapOnOneBase(@TempDir Path dir) {
        try (CausalLM model = CausalLM.load(BASE)) {
            float[] base = Logits.of(model, IDS);
            try (LoraModel lora = LoraModel.wrap(model, random().build())) {
                lora.eval();
                float[] first = Logits.of(model, IDS);
                lora.addAdapter("mlp", random().seed(8).targetModules("up_proj", "down_proj").useDora(true)
                        .modulesToSave("lm_head").build());
                assertEquals(LoraModel.DEFAULT_ADAPTER, lora.activeAdapter(), "adding does not switch");
                assertArrayEquals(first, Logits.of(model, IDS));
                lora.setAdapter("mlp");
                float[] second = Logits.of(model, IDS);
                assertTrue(Logits.maxAbsDiff(first, second) > 1e-2);
                assertTrue(Logits.maxAbsDiff(base, second) > 1e-2);
                // up/down: r (in + out) + out magnitudes, and the lm_head copy.
                long mlp = 2L * (4 * (48 + 128) + 128 + 4 * (128 + 48) + 48) + 160L * 48;
                assertEquals(mlp, lora.parameterCounts().trainable());
                assertEquals(model.parameterCount() + mlp + 2L * 4 * 4 * (48 + 48), lora.parameterCounts().all());
                assertThrows(LoraException.class, () -> lora.addAdapter("x", random().targetModules("lm_head").build()),
                        "lm_head is trained in full by 'mlp'");

                lora.save(dir);
                assertTrue(Files.exists(dir.resolve("adapter_model.safetensors")));
                assertTrue(Files.exists(dir.resolve("mlp").resolve("adapter_config.json")));
                lora.setAdapter(LoraModel.DEFAULT_ADAPTER);
                assertArrayEquals(first, Logits.of(model, IDS));
                lora.deleteAdapter(LoraModel.DEFAULT_ADAPTER);
                assertEquals("mlp", lora.activeAdapter());
                assertArrayEquals(second, Logits.of(model, IDS));
                lora.deleteAdapter("mlp");
                assertArrayEquals(base, Logits.of(model, IDS), "no adapter left: the base model");

                lora.loadAdapter(dir.resolve("mlp"), "reloaded");
                lora.setAdapter("reloaded");
                assertArrayEquals(second, Logits.of(model, IDS), "save then load gives the same logits");
            }
        }
    }

    @Test
    void badTargetsNameTheModelsModules() {
        try (CausalLM model = CausalLM.load(BASE)) {
            LoraException e = assertThrows(LoraException.class,
                    () -> LoraModel.wrap(model, LoraConfig.builder().targetModules("q_proj", "qkv_proj").build()));
            assertTrue(e.getMessage().contains("'qkv_proj'"), e.getMessage());
            assertTrue(e.getMessage().contains("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, lm_head"),
                    e.getMessage());
            e = assertThrows(LoraException.class, () -> LoraModel.wrap(model,
                    LoraConfig.builder().layersToTransform(2).build()));
            assertTrue(e.getMessage().contains("layers 0 to 1"), e.getMessage());
            e = assertThrows(LoraException.class, () -> LoraModel.wrap(model,
                    LoraConfig.builder().targetModules(TargetModules.regex(".*attn\\.qq.*")).build()));
            assertTrue(e.getMessage().contains("selects no linear module"), e.getMessage());
            // A failed wrap leaves the model unwrapped, so a new LoraModel can take it.
            try (LoraModel ok = LoraModel.wrap(model, LoraConfig.builder().targetModules(
                    TargetModules.regex("model\\.layers\\.1\\.mlp\\.(up|down)_proj")).build())) {
                assertEquals(List.of("model.layers.1.mlp.up_proj", "model.layers.1.mlp.down_proj"),
                        ok.trainableParameters().keySet().stream().filter(k -> k.contains("lora_A"))
                                .map(k -> k.substring("base_model.model.".length(), k.indexOf(".lora_A"))).toList());
            }
        }
    }

    @Test
    void layersToTransformFiltersByDecoderLayer() {
        try (CausalLM model = CausalLM.load(BASE);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().targetModules("all-linear")
                        .layersToTransform(1).build())) {
            assertTrue(lora.trainableParameters().keySet().stream().allMatch(k -> k.contains(".layers.1.")));
            assertEquals(List.of("down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"),
                    ((TargetModules.Names) lora.adapters().get("default").targetModules()).names(),
                    "all-linear is saved as the names it stands for, lm_head excluded");
        }
    }

    @Test
    void dropoutActsOnlyInGradientStepsAndIsSeeded() {
        try (CausalLM model = CausalLM.load(BASE);
                LoraModel lora = LoraModel.wrap(model, random().dropout(0.5).build())) {
            float[] plain = Logits.of(model, IDS);
            float[] first = inStep(model, 99);
            assertTrue(Logits.maxAbsDiff(plain, first) > 1e-3, "dropout changes a training forward");
            assertArrayEquals(first, inStep(model, 99), "same seed, same masks");
            lora.eval();
            assertArrayEquals(plain, inStep(model, 99), "no dropout in eval mode");
        }
    }

    private static float[] inStep(CausalLM model, int seed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
        try (ai.djl.training.GradientCollector ignored = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            return Logits.of(model, IDS);
        }
    }

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> LoraConfig.builder().r(0).build());
        assertThrows(IllegalArgumentException.class, () -> LoraConfig.builder().dropout(1).build());
        assertThrows(IllegalArgumentException.class, () -> LoraConfig.builder().alpha(-1).build());
        assertThrows(IllegalArgumentException.class, () -> TargetModules.regex("(["));
        assertEquals(2.0, LoraConfig.builder().build().scaling());
        assertEquals(8.0, LoraConfig.builder().useRslora(true).build().scaling(), 1e-12);
    }
}
