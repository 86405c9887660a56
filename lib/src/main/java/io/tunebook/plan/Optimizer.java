package io.tunebook.plan;

/**
 * The optimizer's state per trainable weight, under transformers' {@code optim} names. AdamW keeps
 * two moments per weight: {@code torch.optim.AdamW} in the weight's own dtype, bitsandbytes' 8-bit
 * AdamW as 8-bit codes with a float32 absmax per block of 256. Paged variants keep the same state
 * in CUDA unified memory, which is evicted to CPU RAM under memory pressure; estimates count it as
 * resident (the peak when nothing is evicted).
 */
public enum Optimizer {
    ADAMW_TORCH("adamw_torch", 0, false),
    ADAMW_8BIT("adamw_8bit", 1, false),
    PAGED_ADAMW_8BIT("paged_adamw_8bit", 1, true),
    PAGED_ADAMW_32BIT("paged_adamw_32bit", 4, true);

    private final String hfName;
    private final int stateBytes;
    private final boolean paged;

    /** @param stateBytes bytes per moment, or 0 for "the trainable weight's dtype" */
    Optimizer(String hfName, int stateBytes, boolean paged) {
        this.hfName = hfName;
        this.stateBytes = stateBytes;
        this.paged = paged;
    }

    public String hfName() {
        return hfName;
    }

    public boolean paged() {
        return paged;
    }

    /** State bytes per trainable weight held in {@code weightBytes}-byte precision. */
    public double bytesPerParameter(int weightBytes) {
        if (stateBytes == 0) {
            return 2.0 * weightBytes;
        }
        return stateBytes == 1 ? 2 * (1 + 4.0 / 256) : 2.0 * stateBytes;
    }

    public static Optimizer parse(String s) {
        return Names.parse(values(), Optimizer::hfName, "optimizer", s);
    }
}
