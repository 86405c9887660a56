package io.tunebook.plan;

/**
 * GPUs people rent or own for fine-tuning: memory and dense 16-bit tensor-core peak with float32
 * accumulation (what PyTorch's bf16/fp16 matmuls use), without structured sparsity, from the
 * vendor's data sheets. GeForce cards accumulate in float32 at half their fp16-accumulate rate.
 */
public enum GpuType {
    T4("t4", 16, 65),
    L4("l4", 24, 121),
    A10G("a10g", 24, 70),
    A100_40GB("a100-40gb", 40, 312),
    A100_80GB("a100-80gb", 80, 312),
    H100("h100", 80, 989),
    RTX_3090("rtx3090", 24, 35.6),
    RTX_4090("rtx4090", 24, 82.6);

    private final String cliName;
    private final double memoryGb;
    private final double peakTflops;

    GpuType(String cliName, double memoryGb, double peakTflops) {
        this.cliName = cliName;
        this.memoryGb = memoryGb;
        this.peakTflops = peakTflops;
    }

    public String cliName() {
        return cliName;
    }

    public double memoryGb() {
        return memoryGb;
    }

    public double peakTflops() {
        return peakTflops;
    }

    public static GpuType parse(String s) {
        return Names.parse(values(), GpuType::cliName, "GPU", s);
    }
}
