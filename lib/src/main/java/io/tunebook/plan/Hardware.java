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
     * Freed blocks glibc's allocator keeps resident through a training step or a generation: after
     * the first large free its dynamic mmap threshold rises, so later blocks of up to 32 MiB (layer
     * activations, float32 copies of 16-bit or quantized weights) come from per-thread heaps that
     * are not returned. Measured with {@code bench --real}: about 0.7 GB on the Qwen2.5-0.5B and
     * Llama-3.2-1B shapes; {@code MALLOC_MMAP_THRESHOLD_=131072} removed 0.8 GB of Qwen2.5-0.5B's QLoRA
     * peak (and made the step 40% slower).
     */
    static final long CPU_ALLOCATOR_SLACK_BYTES = 700L << 20;

    /**
     * JVM heap that quantizing as the weights are read leaves committed ({@code Quantizer.load}
     * encodes each projection from a Java float array): at least this, and {@link
     * #CPU_QUANTIZE_HEAP_PER_WEIGHT_BYTES} a weight of the largest projection, up to {@code -Xmx}.
     * Measured: 0.32 GB (Qwen2.5-0.5B, largest projection 4.4 M weights), 0.39 GB (Llama-3.2-1B,
     * 16.8 M), the whole 2 GiB heap of {@code -Xmx2g} (Mistral-7B, 58.7 M).
     */
    static final long CPU_QUANTIZE_HEAP_BYTES = 350L << 20;

    /** Heap bytes per weight of the largest projection, for large projections (see above). */
    static final long CPU_QUANTIZE_HEAP_PER_WEIGHT_BYTES = 32;
}
