package io.tunebook.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.model.ModelConfig;
import io.tunebook.train.Precision;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The planner's CPU profile and the up-front memory check, on the published Llama-3.2-1B shape. */
class CpuProfileTest {
    static final ModelConfig LLAMA_1B = ModelConfig.read(Path.of("../bench/configs/llama-3.2-1b.json"));
    static final long PARAMETERS = 1_235_814_400L;

    private static Estimate.Builder cpu(Method method) {
        return Estimate.builder().model("llama-3.2-1b", LLAMA_1B).method(method).hardware(Hardware.CPU)
                .precision(Precision.BF16).optimizer(Optimizer.ADAMW_TORCH).flashAttention(false).batchSize(1)
                .sequenceLength(256).overheadBytes(160L << 20);
    }

    @Test
    void weightsInTheStorageDtypeAndNoDeviceContext() {
        MemoryBreakdown lora = cpu(Method.LORA).gradientCheckpointing(false).build().memory();
        assertEquals(PARAMETERS * 2, lora.weights(), "the frozen base in 16 bits");
        // The engine's resident size and the allocator's slack, 2 bytes a value of every layer's
        // working width (hidden + intermediate) over the tokens; no CUDA context.
        assertEquals((160L << 20) + 2L * 16 * 256 * (2048 + 8192), lora.overhead());
        MemoryBreakdown full = cpu(Method.FULL).gradientCheckpointing(false).build().memory();
        assertEquals(PARAMETERS * 4, full.weights(), "full fine-tuning trains float32 weights");
        assertEquals(PARAMETERS * 4, full.gradients());
        // Two float32 moments per weight, and AdamW's five temporaries the size of the embedding.
        assertEquals(PARAMETERS * 8 + 5L * 128_256 * 2048 * 4, full.optimizerStates());
        MemoryBreakdown qlora = cpu(Method.QLORA).gradientCheckpointing(true).build().memory();
        assertTrue(qlora.weights() < 0.5 * lora.weights(), qlora + " vs " + lora);
        // What quantizing as it reads leaves resident, within this JVM's maximum heap.
        assertEquals(lora.overhead() + Math.min(Runtime.getRuntime().maxMemory(), Hardware.CPU_QUANTIZE_HEAP_BYTES),
                qlora.overhead());
        assertEquals(lora.adapters(), qlora.adapters());
        assertEquals(lora.adapters(), lora.gradients(), "adapter gradients in float32");
    }

    @Test
    void checkpointingLowersTheEstimateAndQloraSitsBelowLoraBelowFull() {
        long loraPlain = cpu(Method.LORA).gradientCheckpointing(false).build().memory().total();
        long loraCheckpointed = cpu(Method.LORA).gradientCheckpointing(true).build().memory().total();
        long qlora = cpu(Method.QLORA).gradientCheckpointing(true).build().memory().total();
        long full = cpu(Method.FULL).gradientCheckpointing(false).build().memory().total();
        assertTrue(loraCheckpointed < loraPlain);
        assertTrue(qlora < loraPlain && loraPlain < full, qlora + " < " + loraPlain + " < " + full);
    }

    @Test
    void aFloat32BaseGeneratesWithTheDecodersCopiesUpToTheirBudget() {
        // tiny-base in float32: q/k/v and gate/up fused, and the head, copied as the decoder does
        // (DecodingTest counts the same bytes on the loaded model); Llama-3.2-1B's would pass the
        // budget, so its decoder reads its own weights and the estimate adds nothing.
        ModelConfig tiny = ModelConfig.read(Path.of("../models/tiny-base/config.json"));
        Estimate.Builder f32 = Estimate.builder().model("tiny-base", tiny).method(Method.FULL).hardware(Hardware.CPU)
                .precision(Precision.FP32).overheadBytes(0);
        long copies = (6L * 256 * (512 + 1280) + 8192L * 256) * 4;
        assertEquals(copies, f32.build().decodingCopyBytes());
        long kvAndLogits = 2L * 6 * 10 * 4 * 32 * 4 + 8192L * 4;
        assertEquals(kvAndLogits + copies, f32.build().inferenceMemory(10).activations());
        assertEquals(0, cpu(Method.FULL).precision(Precision.FP32).build().decodingCopyBytes());
    }

    @Test
    void memAvailableIsReadFromMeminfo() {
        assertEquals(OptionalLong.of(23_456_789L * 1024), HostMemory.parseAvailable(
                "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   23456789 kB\n"));
        assertEquals(OptionalLong.empty(), HostMemory.parseAvailable("MemTotal: 1 kB\n"));
    }

    @Test
    void aRunWhoseWeightsExceedTheAvailableMemoryIsRefusedWithTheNumbers() {
        Estimate full = cpu(Method.FULL).build();
        HostMemory.requireWeightsFit(full, 5_000_000_000L + 1); // 4.94 GB of float32 weights fit
        HostMemory.InsufficientMemoryException e = assertThrows(HostMemory.InsufficientMemoryException.class,
                () -> HostMemory.requireWeightsFit(full, 4_000_000_000L));
        assertTrue(e.getMessage().startsWith("llama-3.2-1b: full needs 4.94 GB for its weights alone (1,235,814,400"
                + " parameters; estimated peak "), e.getMessage());
        assertTrue(e.getMessage().contains("but this machine has 4.00 GB available (MemAvailable in /proc/meminfo);"
                + " refused before loading: QLoRA would hold 1.03 GB of weights"), e.getMessage());
    }
}
