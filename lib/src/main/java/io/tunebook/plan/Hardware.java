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
     * The same slack in a training step, which grows with the layers' working sets: bytes per value
     * of {@code layers x tokens x (hidden + intermediate)}, about two and a half float32 tensors of
     * each layer's width kept resident. Fitted on the QLoRA steps of Qwen2.5-0.5B, Llama-3.2-1B,
     * Mistral-7B and Mistral-7B cut to 4 layers (whose step grew by 2.8 GiB against the full model's
     * 6.0 GiB, the rest of the estimate being the same).
     */
    static final double CPU_TRAINING_SLACK_PER_VALUE = 10;

    /**
     * JVM heap that quantizing as the weights are read leaves committed ({@code Quantizer.load}
     * encodes each projection from a Java float array, and the garbage grows the heap): this plus
     * {@link #CPU_QUANTIZE_HEAP_PER_WEIGHT} bytes a quantized weight, up to {@code -Xmx}. Measured
     * beyond the engine and the weights after loading: 0.32 GiB (Qwen2.5-0.5B, 0.36 B quantized
     * weights), 0.38 GiB (Llama-3.2-1B, 0.97 B), 0.48 GiB (Mistral-7B's shape cut to 4 layers, 0.87 B),
     * 2.2 GiB, the whole {@code -Xmx2g} heap and more (Mistral-7B, 7.0 B).
     */
    static final long CPU_QUANTIZE_HEAP_BYTES = 350L << 20;

    /** Heap bytes a quantized weight adds while quantizing as it reads (see above). */
    static final double CPU_QUANTIZE_HEAP_PER_WEIGHT = 0.25;
}
