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
     * Resident bytes per activation value the estimate counts, over 4-byte values, on the CPU:
     * DJL keeps every intermediate of the forward until the step ends, about twice what PyTorch's
     * autograd saves (measured, see {@code bench/README.md}).
     */
    static final double CPU_KEPT_PER_VALUE = 2.0;

    /** Parameter-sized temporaries {@code train.AdamW} holds while it updates one parameter. */
    static final int CPU_ADAMW_TEMPORARIES = 5;
}
