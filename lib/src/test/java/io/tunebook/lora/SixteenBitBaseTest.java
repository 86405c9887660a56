package io.tunebook.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.Tensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adapters on a base held in 16 bits behave as on the float32 base: llama3's checkpoint is bfloat16,
 * so both loads hold the same values except weights below 2^-14 (rounded by at most 2^-25), and
 * every comparison here is held to 1e-5 (observed around 2e-6) unless a weight is rounded on purpose.
 */
class SixteenBitBaseTest {
    private static final Path BASE = Path.of("src/test/resources/fixtures/llama3");
    private static final long[][] IDS = {{5, 17, 33, 2, 90, 121, 7, 64}, {3, 3, 150, 42, 11, 9, 77, 100}};
    private static final LoadOptions HALF = LoadOptions.builder().dtype("bfloat16").build();

    private static LoraConfig.Builder random() {
        return LoraConfig.builder().r(4).alpha(8).initLoraWeights(LoraInit.RANDOM).seed(7).targetModules("all-linear");
    }

    @Test
    void loraAndDoraForwardMatchTheFloat32Base() {
        for (boolean dora : new boolean[] {false, true}) {
            float[] wide;
            float[] half;
            try (CausalLM model = CausalLM.load(BASE); LoraModel lora = LoraModel.wrap(model, random().useDora(dora).build())) {
                wide = Logits.of(model, IDS);
            }
            try (CausalLM model = CausalLM.load(BASE, HALF); LoraModel lora = LoraModel.wrap(model, random().useDora(dora).build())) {
                assertEquals(DataType.FLOAT16, model.dtype());
                half = Logits.of(model, IDS);
            }
            double diff = Logits.maxAbsDiff(wide, half);
            assertTrue(diff <= 1e-5, (dora ? "DoRA" : "LoRA") + ": max abs diff " + diff);
        }
    }

    /** Adapter gradients (and a modules_to_save copy's) flow through the upcast 16-bit weights as through float32 ones. */
    @Test
    void adapterGradientsMatchTheFloat32Base() {
        Map<String, float[]> wide = gradients(CausalLM.load(BASE));
        Map<String, float[]> half = gradients(CausalLM.load(BASE, HALF));
        assertEquals(wide.keySet(), half.keySet());
        for (String name : wide.keySet()) {
            double diff = Logits.maxAbsDiff(wide.get(name), half.get(name));
            double scale = 0;
            for (float g : wide.get(name)) {
                scale = Math.max(scale, Math.abs(g));
            }
            assertTrue(scale > 0, name + " gets a gradient");
            assertTrue(diff <= 1e-5 * Math.max(1, scale), name + ": max abs diff " + diff + " of " + scale);
        }
    }

    private static Map<String, float[]> gradients(CausalLM model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (model; LoraModel lora = LoraModel.wrap(model, random().targetModules("q_proj", "down_proj")
                .modulesToSave("lm_head").build())) {
            Map<String, NDArray> trainable = lora.trainableParameters();
            for (NDArray p : trainable.values()) {
                assertEquals(DataType.FLOAT32, p.getDataType(), "trainable arrays are float32");
                p.setRequiresGradient(true);
            }
            try (NDManager step = model.manager().newSubManager()) {
                NDArray ids = Tensors.of(step, new long[] {5, 17, 33, 2, 90, 121, 7, 64}, new Shape(1, 8));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.transformer().forward(ids, null, null, null);
                    collector.backward(logits.logSoftmax(-1).get(":, :, 3").sum());
                }
                trainable.forEach((k, v) -> out.put(k, v.getGradient().toFloatArray()));
            }
        }
        return out;
    }

    /**
     * Merging into 16-bit weights rounds the merged weights to float16 (relative 2^-11), as PEFT's
     * merge into a bf16 base rounds to bf16: logits stay within 4 × 2^-11 of their largest magnitude
     * of the unmerged adapter's, the weights stay float16, and merge_and_unload copies a trained
     * lm_head over its 16-bit original.
     */
    @Test
    void mergeAndUnloadIntoA16BitBase() {
        try (CausalLM model = CausalLM.load(Path.of("src/test/resources/fixtures/llama2"),
                LoadOptions.builder().dtype("float16").build())) {
            LoraModel lora = LoraModel.wrap(model, random().modulesToSave("lm_head").build());
            lora.eval();
            float[] adapted = Logits.of(model, new long[][] {{5, 17, 33, 2, 90, 121, 7, 64}});
            float[] base;
            try (LoraModel.DisabledAdapters off = lora.disableAdapters()) {
                base = Logits.of(model, new long[][] {{5, 17, 33, 2, 90, 121, 7, 64}});
            }
            assertTrue(Logits.maxAbsDiff(base, adapted) > 1e-2, "the adapter changes the logits");
            CausalLM merged = lora.mergeAndUnload();
            float[] after = Logits.of(merged, new long[][] {{5, 17, 33, 2, 90, 121, 7, 64}});
            double scale = 0;
            for (float v : adapted) {
                scale = Math.max(scale, Math.abs(v));
            }
            double diff = Logits.maxAbsDiff(adapted, after);
            assertTrue(diff <= 4 * 0x1p-11 * scale, "max abs diff " + diff + " for logits up to " + scale);
            merged.transformer().parameters().forEach((name, p) -> {
                if (!name.endsWith("norm.weight")) {
                    assertEquals(DataType.FLOAT16, p.getDataType(), name);
                }
            });
        }
    }
}
