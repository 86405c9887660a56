package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Full fine-tuning updates every weight in place, so it needs them in float32. */
class FullTrainingDtypeTest {
    private static final Path LLAMA3 = Path.of("src/test/resources/fixtures/llama3");

    @Test
    void fullFineTuningRefusesA16BitModelAndTakesAFloat32One() {
        try (CausalLM half = CausalLM.load(LLAMA3, LoadOptions.builder().dtype("auto").build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainableModel.full(half, Dtype.BF16));
            assertTrue(e.getMessage().startsWith("full fine-tuning updates every weight, which must be float32, but this"
                    + " model holds its weights in float16: load it with dtype float32"), e.getMessage());
        }
        try (CausalLM wide = CausalLM.load(LLAMA3)) {
            assertEquals(wide.transformer().parameters(), TrainableModel.full(wide, Dtype.BF16).trainableParameters());
        }
    }
}
