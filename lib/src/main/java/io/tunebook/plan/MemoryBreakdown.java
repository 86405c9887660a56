package io.tunebook.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Peak memory of a training step on one device, in bytes, by what holds it.
 *
 * @param weights the model's weights (quantized where the method quantizes)
 * @param adapters the trainable adapter weights (LoRA, QLoRA); 0 for full fine-tuning
 * @param gradients one gradient per trainable weight
 * @param optimizerStates the optimizer's moments for every trainable weight
 * @param activations what the forward keeps for the backward, logits and loss included
 * @param overhead fixed cost of the runtime (CUDA context, workspaces, allocator slack)
 */
public record MemoryBreakdown(long weights, long adapters, long gradients, long optimizerStates, long activations,
        long overhead) {

    public static final double BYTES_PER_GB = 1e9;

    public long total() {
        return weights + adapters + gradients + optimizerStates + activations + overhead;
    }

    public double totalGb() {
        return total() / BYTES_PER_GB;
    }

    /** The breakdown in decimal gigabytes (10^9 bytes, as GPU memory is quoted), to 0.01 GB, total last. */
    public Map<String, Double> gigabytes() {
        Map<String, Double> gb = new LinkedHashMap<>();
        gb.put("weights_gb", round(weights));
        gb.put("adapters_gb", round(adapters));
        gb.put("gradients_gb", round(gradients));
        gb.put("optimizer_states_gb", round(optimizerStates));
        gb.put("activations_gb", round(activations));
        gb.put("overhead_gb", round(overhead));
        gb.put("total_gb", round(total()));
        return gb;
    }

    private static double round(long bytes) {
        return Math.round(bytes / BYTES_PER_GB * 100) / 100.0;
    }
}
