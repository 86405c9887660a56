package io.tunebook.plan;

/**
 * Where a run holds its memory, which decides how {@link Estimate#memory()} counts it.
 *
 * <ul>
 *   <li>{@link #GPU}: what PyTorch with bitsandbytes holds on a CUDA device; a fixed overhead for
 *       the CUDA context, workspaces and allocator slack.</li>
 *   <li>{@link #CPU}: this engine (DJL's libtorch) on the host's RAM, calibrated against the peaks
 *       {@code tunebook bench --real} measures: no device context, the overhead is the engine's
 *       resident size before loading; compute in float32; the loss over chunks of positions.</li>
 * </ul>
 */
public enum Hardware {
    GPU, CPU;

    /**
     * The engine's resident size once its natives are loaded, before a model: the CPU profile's
     * default overhead (measured by {@code bench --real}: 161 MiB).
     */
    public static final long CPU_ENGINE_BYTES = 161L << 20;

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Hardware parse(String s) {
        return Names.parse(values(), Hardware::cliName, "hardware", s);
    }

    /**
     * Resident bytes per activation value the estimate counts, over 4-byte values, on the CPU:
     * DJL keeps every intermediate of the forward until the step ends, about twice what PyTorch's
     * autograd saves (measured, see {@code bench/README.md}).
     */
    static final double CPU_KEPT_PER_VALUE = 2.0;

    /** Parameter-sized temporaries {@code train.AdamW} holds while it updates one parameter. */
    static final int CPU_ADAMW_TEMPORARIES = 5;

    /**
     * Freed blocks glibc's allocator keeps resident through a generation: after the first large free
     * its dynamic mmap threshold rises, so later blocks of up to 32 MiB (float32 copies of 16-bit
     * weights, activations) come from heaps that are not returned. Measured with {@code bench --real}:
     * about 0.7 GB on Qwen2.5-0.5B and Llama-3.2-1B; {@code MALLOC_MMAP_THRESHOLD_=131072} removed
     * 1.0 GB of Qwen2.5-0.5B's generation peak and 0.8 GB of its QLoRA step's.
     */
    static final long CPU_ALLOCATOR_SLACK_BYTES = 700L << 20;

    /**
     * Resident memory beyond the engine, the weights and the adapters once a QLoRA base has been
     * quantized as it was read and the heap its encoding grew has been collected (Quantizer.load):
     * the JVM heap left committed and the allocator's leftovers, measured ready to train at 37 MiB
     * (a 50 M shape), 76 MiB (Mistral-7B) and 104 MiB (Llama-3.1-8B); it was 193 to 252 MiB before
     * the collection, and up to the whole {@code -Xmx} before the encoding reused its arrays.
     */
    static final long CPU_QUANTIZE_HEAP_BYTES = 64L << 20;

    /** Heap bytes a quantized weight adds while quantizing as it reads: none since the arrays are reused. */
    static final double CPU_QUANTIZE_HEAP_PER_WEIGHT = 0;
}
