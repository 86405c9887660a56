package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MallocPolicyTest {
    @Test
    void realSizeModelsAreLeanSmallOnesFast() {
        long mid = ParameterLayout.count(ParameterLayout.of(ModelConfig.read(Path.of("../bench/configs/mid-100m.json"))));
        long qwen = ParameterLayout.count(ParameterLayout.of(
                ModelConfig.read(Path.of("../bench/configs/qwen2.5-0.5b.json"))));
        assertEquals(MallocPolicy.FAST, MallocPolicy.forParameters(mid));
        assertEquals(MallocPolicy.LEAN, MallocPolicy.forParameters(qwen));
        assertEquals(MallocPolicy.LEAN, MallocPolicy.forParameters(MallocPolicy.LEAN_FROM_PARAMETERS));
        assertEquals(MallocPolicy.FAST, MallocPolicy.forParameters(MallocPolicy.LEAN_FROM_PARAMETERS - 1));
    }

    @Test
    void theEnvironmentOfAPolicyIsGlibcsSpellingOfIt() {
        // What the PyTorch side of `bench --compare` is given: LEAN is what bin/tunebook exported before.
        assertEquals(Map.of("MALLOC_MMAP_THRESHOLD_", "4194304", "MALLOC_TRIM_THRESHOLD_", "131072"),
                MallocPolicy.LEAN.environment());
        assertEquals(Map.of("MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "67108864"),
                MallocPolicy.FAST.environment());
        assertEquals(2_000_000, MallocPolicy.LEAN.trainingSlackBytes(1_000_000));
        assertEquals((96L << 20) + 23_000_000, MallocPolicy.FAST.trainingSlackBytes(1_000_000));
    }

    @Test
    void loadingAModelSetsThePolicyAndOnceLeanStaysLean() {
        assumeTrue(System.getenv("MALLOC_MMAP_THRESHOLD_") == null, "an exported threshold is left alone");
        assumeTrue(System.getProperty(MallocPolicy.PROPERTY) == null);
        try (CausalLM tiny = CausalLM.load(Path.of("../models/tiny-base"))) {
            String state = MallocPolicy.state();
            // FAST unless an earlier test of this JVM loaded a real-size model
            assertTrue(state.startsWith("FAST (6,229,248 parameters)") || state.startsWith("LEAN"), state);
        }
        assertEquals("LEAN (494,032,768 parameters)", MallocPolicy.apply(494_032_768L));
        assertEquals("LEAN (6,229,248 parameters)", MallocPolicy.apply(6_229_248L));
    }

    @Test
    void anUnknownPropertyValueIsNamed() {
        String before = System.getProperty(MallocPolicy.PROPERTY);
        System.setProperty(MallocPolicy.PROPERTY, "quick");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MallocPolicy.apply(1));
            assertEquals("-Dtunebook.malloc=quick: expected lean or fast", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(MallocPolicy.PROPERTY);
            } else {
                System.setProperty(MallocPolicy.PROPERTY, before);
            }
        }
    }
}
