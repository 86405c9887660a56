package io.tunebook.plan;

import io.tunebook.model.MallocPolicy;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.ParameterLayout;
import io.tunebook.model.Transformer;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.QuantizedTensor;
import io.tunebook.train.CausalLmLoss;
import io.tunebook.train.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Memory, time and cost of fine-tuning a model, before running it. Built from a {@code config.json}
 * or a reference size ("8B"), for a {@link Method}, a batch of {@code batchSize} sequences of
 * {@code sequenceLength} tokens, a LoRA rank and targets, an optimizer and a precision.
 *
 * <pre>{@code
 * Estimate e = Estimate.builder().parameters("8B").method(Method.QLORA).sequenceLength(2048).build();
 * e.memory().totalGb();
 * e.cost(20_000_000, 3, GpuType.A100_80GB, 1.8).gpuHours();
 * }</pre>
 *
 * <p>Memory, for N weights of which L sit in the attention and MLP projections, trainable T:
 * <ul>
 *   <li>weights: N x precision bytes; QLoRA stores the L projection weights in NF4 with double
 *       quantization ({@link QuantConfig#bytesPerParameter}, 0.516 bytes) and the rest (embeddings,
 *       lm_head, norms) in the precision;</li>
 *   <li>adapters: r x (in + out) per targeted projection and layer, in float32 (PEFT upcasts them);</li>
 *   <li>gradients: T in the trainable weights' dtype; optimizer: T x {@link Optimizer#bytesPerParameter};</li>
 *   <li>activations, per token and layer, in the precision: the two norms' inputs and outputs,
 *       q, k, v and the attention output, and the four MLP tensors (gate, up, activation, product),
 *       i.e. {@code 4h + 2q + 2kv + 4i} values; without FlashAttention, 2 x heads x seq more for the
 *       scores and probabilities; for each LoRA target, its dropout output and the rank-r
 *       intermediate. Gradient checkpointing keeps only each layer's input plus one layer's
 *       activations during its recomputation. Logits add vocab x (precision + 4 + 4) bytes per
 *       token: the logits, their float32 copy and the float32 log-softmax kept for the loss;</li>
 *   <li>overhead: a fixed term, 1 GB by default for the CUDA context, workspaces and allocator
 *       slack (on a CPU, the process's resident size before loading the model).</li>
 * </ul>
 *
 * <p>With {@link Hardware#CPU} it counts what this engine holds in RAM instead, calibrated against
 * {@code tunebook bench --real} (see {@code bench/README.md}): full fine-tuning in float32, a frozen
 * base in the precision (QLoRA's projections quantized); adapters, gradients and AdamW moments in
 * float32, plus AdamW's five temporaries of the largest trainable tensor; float32 activations, of
 * which the engine keeps {@link Hardware#CPU_KEPT_PER_VALUE} times the values above; float32 copies
 * of 16-bit or quantized projections (every layer's without checkpointing, one layer's with it) and
 * of the lm_head; one chunk of the chunked loss; and an overhead of the engine's resident size plus
 * the allocator's slack (and, for QLoRA, the heap that quantizing as it reads leaves).
 *
 * <p>Compute per token, with P the weights in matmuls (projections and lm_head) and the attention
 * matmuls A = 4 x layers x seq x heads x headDim: a forward is 2P + A; full fine-tuning 3 forwards
 * (6P, as in Kaplan et al.); LoRA and QLoRA skip the frozen weights' gradients, so 4P + 3A plus 6
 * per adapter weight; gradient checkpointing adds a forward. Time = FLOPs / (peak x MFU), MFU 0.4 by
 * default; QLoRA takes 20% longer for dequantization (seed 001: "Training: +20% slower vs LoRA FP16").
 */
public record Estimate(String modelName, ModelConfig model, Method method, int sequenceLength, int batchSize,
        int rank, List<String> targetModules, Optimizer optimizer, boolean gradientCheckpointing, Precision precision,
        boolean flashAttention, long overheadBytes, double mfu, QuantConfig quantization, Hardware hardware) {

    /** The projections LoRA can target, in Hugging Face module names. */
    public static final List<String> PROJECTIONS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj");
    static final double QLORA_SLOWDOWN = 1.2;

    public Estimate {
        if (model == null) {
            throw new IllegalArgumentException("give a model: a config.json or a reference size such as 8B");
        }
        if (method == null || optimizer == null || precision == null || quantization == null || hardware == null) {
            throw new IllegalArgumentException("method, optimizer, precision, quantization and hardware must be given");
        }
        positive("sequenceLength", sequenceLength);
        positive("batchSize", batchSize);
        positive("rank", rank);
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty() && method != Method.FULL) {
            throw new IllegalArgumentException("LoRA needs at least one target module; choose from " + PROJECTIONS);
        }
        for (String t : targetModules) {
            if (!PROJECTIONS.contains(t)) {
                throw new IllegalArgumentException("unknown target module '" + t + "'; choose from " + PROJECTIONS);
            }
        }
        if (overheadBytes < 0) {
            throw new IllegalArgumentException("overheadBytes must be >= 0, got " + overheadBytes);
        }
        if (!(mfu > 0 && mfu <= 1)) {
            throw new IllegalArgumentException("mfu must be in (0, 1], got " + mfu);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One projection of a decoder layer: module name and weight shape. */
    private record Projection(String module, long in, long out) {
        long weights() {
            return in * out;
        }
    }

    private List<Projection> layerProjections() {
        List<Projection> out = new ArrayList<>();
        String prefix = "model.layers.0.";
        for (Map.Entry<String, long[]> e : ParameterLayout.of(model).entrySet()) {
            String name = e.getKey();
            if (name.startsWith(prefix) && name.endsWith("_proj.weight")) {
                String module = name.substring(name.lastIndexOf('.', name.length() - 8) + 1, name.length() - 7);
                out.add(new Projection(module, e.getValue()[1], e.getValue()[0]));
            }
        }
        return out;
    }

    public long parameters() {
        return ParameterLayout.count(ParameterLayout.of(model));
    }

    /** Weights in the attention and MLP projections of all layers: what QLoRA quantizes. */
    public long projectionParameters() {
        return layerProjections().stream().mapToLong(Projection::weights).sum() * model.numHiddenLayers();
    }

    public long adapterParameters() {
        if (method == Method.FULL) {
            return 0;
        }
        return layerProjections().stream().filter(p -> targetModules.contains(p.module()))
                .mapToLong(p -> (long) rank * (p.in() + p.out())).sum() * model.numHiddenLayers();
    }

    public long trainableParameters() {
        return method == Method.FULL ? parameters() : adapterParameters();
    }

    public MemoryBreakdown memory() {
        if (hardware == Hardware.CPU) {
            return cpuMemory();
        }
        int p = precision.bytes();
        long weights = baseWeightBytes(p);
        int trainableBytes = method == Method.FULL ? p : 4;
        long trainable = trainableParameters();
        long adapters = adapterParameters() * 4;
        long gradients = trainable * trainableBytes;
        long optimizerStates = Math.round(trainable * optimizer.bytesPerParameter(trainableBytes));
        return new MemoryBreakdown(weights, adapters, gradients, optimizerStates, activationBytes(), overheadBytes);
    }

    /** Weights of a decoder layer's largest projection. */
    private long largestProjectionWeights() {
        return layerProjections().stream().mapToLong(Projection::weights).max().orElse(0);
    }

    /** Weights of one decoder layer's projections. */
    private long layerProjectionWeights() {
        return layerProjections().stream().mapToLong(Projection::weights).sum();
    }

    /** Bytes of the base weights as stored: quantized projections for QLoRA, the rest in the precision. */
    private long baseWeightBytes(int p) {
        if (method != Method.QLORA) {
            return parameters() * p;
        }
        double quantized = layerProjections().stream()
                .mapToDouble(pr -> pr.weights() * quantization.bytesPerParameter(pr.weights())).sum()
                * model.numHiddenLayers();
        return Math.round(quantized) + (parameters() - projectionParameters()) * p;
    }

    /**
     * The CPU profile (see {@link Hardware#CPU}): no device context; full fine-tuning holds float32
     * weights, LoRA and QLoRA hold the frozen base in the precision (QLoRA's projections quantized);
     * adapters, gradients and AdamW moments in float32; the compute runs in float32.
     */
    private MemoryBreakdown cpuMemory() {
        int p = method == Method.FULL ? 4 : precision.bytes();
        long weights = baseWeightBytes(p);
        long trainable = trainableParameters();
        long adapters = adapterParameters() * 4;
        long gradients = trainable * 4;
        // AdamW's step makes five temporaries the size of the parameter it updates (the scaled
        // gradient, its square and their product, the denominator, the update): the largest one's count.
        long optimizerStates = Math.round(trainable * optimizer.bytesPerParameter(4))
                + Hardware.CPU_ADAMW_TEMPORARIES * largestTrainableTensor() * 4;
        long h = model.hiddenSize();
        long tokens = (long) sequenceLength * batchSize;
        long layers = model.numHiddenLayers();
        long perLayer = Math.round(activationValuesPerToken() * Hardware.CPU_KEPT_PER_VALUE) * tokens * 4;
        long activations = gradientCheckpointing ? layers * h * tokens * 4 + perLayer : layers * perLayer;
        // A frozen base that is not float32 is cast (or dequantized) to float32 for each matmul, one
        // projection at a time: the backward makes the copy again (FrozenMatmul) instead of letting
        // autograd keep it, with or without checkpointing.
        if (method != Method.FULL && (p < 4 || method == Method.QLORA)) {
            activations += largestProjectionWeights() * 4;
            // The loss reads a frozen lm_head in float32 slices of 2^24 values, one at a time.
            activations += Math.min((long) model.vocabSize(), Math.max(1, CausalLmLoss.LOGITS_PER_CHUNK / h)) * h * 4;
        }
        if (method == Method.QLORA) {
            // Dequantizing decodes a pass of blocks at a time: int64 indices (4 bytes a 4-bit value),
            // the looked-up values and their scaled copy, beside the float32 result.
            long pass = Math.min(largestProjectionWeights(), QuantizedTensor.BLOCKS_PER_PASS * quantization.blockSize());
            activations += 12 * pass;
        }
        // The loss runs over chunks of positions (CausalLmLoss.chunked), one at a time; at its peak a
        // chunk holds six arrays of its logits' size: logits, log-softmax, softmax, one-hot targets,
        // their difference and its scaled copy (the gradient of the logits).
        long chunk = Math.max(1, CausalLmLoss.LOGITS_PER_CHUNK / model.vocabSize());
        activations += Math.min(tokens, chunk) * model.vocabSize() * 4L * 6;
        // The allocator's slack, by the policy a model of this size runs under.
        long slack = MallocPolicy.forParameters(parameters()).trainingSlackBytes(
                (long) layers * tokens * (h + model.intermediateSize()));
        long overhead = overheadBytes + slack + (method == Method.QLORA ? quantizeHeapBytes() : 0);
        return new MemoryBreakdown(weights, adapters, gradients, optimizerStates, activations, overhead);
    }

    /**
     * JVM heap that quantizing as the weights are read leaves committed: {@link
     * Hardware#CPU_QUANTIZE_HEAP_BYTES} plus {@link Hardware#CPU_QUANTIZE_HEAP_PER_WEIGHT} bytes a
     * quantized weight, at most this JVM's maximum heap (a run in this process, or in a child started
     * with its settings, as {@code bench} does).
     */
    private long quantizeHeapBytes() {
        return Math.min(Runtime.getRuntime().maxMemory(), Hardware.CPU_QUANTIZE_HEAP_BYTES
                + Math.round(Hardware.CPU_QUANTIZE_HEAP_PER_WEIGHT * projectionParameters()));
    }

    /** Elements of the largest trainable tensor: an embedding or lm_head, or the widest adapter matrix. */
    private long largestTrainableTensor() {
        if (method == Method.FULL) {
            return ParameterLayout.of(model).values().stream().mapToLong(s -> {
                long n = 1;
                for (long d : s) {
                    n *= d;
                }
                return n;
            }).max().orElse(0);
        }
        return layerProjections().stream().filter(pr -> targetModules.contains(pr.module()))
                .mapToLong(pr -> rank * Math.max(pr.in(), pr.out())).max().orElse(0);
    }

    /**
     * Memory to generate with the base held as this estimate holds it (the precision; QLoRA's
     * projections quantized), on the CPU: the weights, float32 copies of one layer's projections
     * and of the lm_head (each matmul upcasts a 16-bit weight), or for a float32 base the decoder's
     * copies ({@link #decodingCopyBytes}), the KV cache in float32 for {@code positions} tokens and
     * the last position's logits.
     */
    public MemoryBreakdown inferenceMemory(int positions) {
        int p = precision.bytes();
        long h = model.hiddenSize();
        long kv = 2L * model.numHiddenLayers() * positions * model.numKeyValueHeads() * model.headDim() * 4;
        long working = kv + (long) model.vocabSize() * 4;
        if (p < 4 || method == Method.QLORA) {
            working += layerProjectionWeights() * 4 + (long) model.vocabSize() * h * 4;
        } else {
            working += decodingCopyBytes();
        }
        return new MemoryBreakdown(baseWeightBytes(method == Method.FULL ? 4 : p), 0, 0, 0, working,
                overheadBytes + (hardware == Hardware.CPU ? Hardware.CPU_ALLOCATOR_SLACK_BYTES : 0));
    }

    /**
     * The float32 copies a decoder of a float32 base holds (see {@link Transformer#DECODING_COPIES_MAX_BYTES}):
     * q/k/v (without q/k norms) and gate/up fused, a head wider than long; none past the budget.
     * Counted as if no adapter wrapped a projection (an adapted one is not fused): an upper bound.
     */
    long decodingCopyBytes() {
        long floats = 0;
        for (Projection pr : layerProjections()) {
            boolean fused = pr.module().equals("gate_proj") || pr.module().equals("up_proj")
                    || !model.architecture().qkNorm() && List.of("q_proj", "k_proj", "v_proj").contains(pr.module());
            if (fused) {
                floats += pr.weights();
            }
        }
        floats *= model.numHiddenLayers();
        if (model.vocabSize() > model.hiddenSize()) {
            floats += (long) model.vocabSize() * model.hiddenSize();
        }
        long bytes = floats * 4;
        return bytes <= Transformer.DECODING_COPIES_MAX_BYTES ? bytes : 0;
    }

    /** Values one decoder layer keeps per token for the backward (see the class comment). */
    private long activationValuesPerToken() {
        long h = model.hiddenSize();
        long q = (long) model.numAttentionHeads() * model.headDim();
        long kv = (long) model.numKeyValueHeads() * model.headDim();
        long perToken = 4 * h + 2 * q + 2 * kv + 4L * model.intermediateSize();
        if (!flashAttention) {
            perToken += 2L * model.numAttentionHeads() * sequenceLength;
        }
        if (method != Method.FULL) {
            perToken += layerProjections().stream().filter(pr -> targetModules.contains(pr.module()))
                    .mapToLong(pr -> pr.in() + rank).sum();
        }
        return perToken;
    }

    private long activationBytes() {
        long h = model.hiddenSize();
        long perToken = activationValuesPerToken();
        long tokens = (long) sequenceLength * batchSize;
        int p = precision.bytes();
        long layers = model.numHiddenLayers();
        long stack = gradientCheckpointing ? (layers * h + perToken) * tokens * p : layers * perToken * tokens * p;
        // In float32 the logits need no float32 copy.
        long logitBytes = p + 4 + (p < 4 ? 4 : 0);
        return stack + tokens * model.vocabSize() * logitBytes;
    }

    /** Floating-point operations to train on one token. */
    public double flopsPerToken() {
        double matmul = projectionParameters() + (double) model.vocabSize() * model.hiddenSize();
        double attention = 4.0 * model.numHiddenLayers() * sequenceLength * model.numAttentionHeads() * model.headDim();
        double forward = 2 * matmul + attention;
        double step = method == Method.FULL ? 3 * forward : 4 * matmul + 3 * attention + 6.0 * adapterParameters();
        return gradientCheckpointing ? step + forward : step;
    }

    /** How many of these GPUs the run's memory needs when sharded across them. */
    public int gpusNeeded(GpuType gpu) {
        return (int) Math.max(1, Math.ceil(memory().totalGb() / gpu.memoryGb()));
    }

    /**
     * @param datasetTokens tokens in one pass over the training set
     * @param epochs passes over it
     * @param pricePerGpuHour what one device costs per hour, in any currency
     */
    public TrainingCost cost(long datasetTokens, double epochs, GpuType gpu, double pricePerGpuHour) {
        if (datasetTokens <= 0 || !(epochs > 0) || !(pricePerGpuHour >= 0)) {
            throw new IllegalArgumentException("dataset tokens and epochs must be positive and the price >= 0, got "
                    + datasetTokens + ", " + epochs + ", " + pricePerGpuHour);
        }
        double flops = flopsPerToken() * datasetTokens * epochs;
        double seconds = flops / (gpu.peakTflops() * 1e12 * mfu) * (method == Method.QLORA ? QLORA_SLOWDOWN : 1);
        double gpuHours = seconds / 3600;
        int gpus = gpusNeeded(gpu);
        return new TrainingCost(gpu, flops, gpuHours, gpus, gpuHours / gpus, gpuHours * pricePerGpuHour);
    }

    /**
     * Defaults: LoRA rank 16 on all seven projections (the seeds' advice), batch 1 x 512 tokens,
     * bf16, FlashAttention, gradient checkpointing, 1 GB overhead, MFU 0.4, NF4 with double
     * quantization for QLoRA, and the optimizer of each method's usual recipe: {@code adamw_torch}
     * for full and LoRA, {@code paged_adamw_8bit} for QLoRA.
     */
    public static final class Builder {
        private String modelName = "model";
        private ModelConfig model;
        private Method method = Method.LORA;
        private int sequenceLength = 512;
        private int batchSize = 1;
        private int rank = 16;
        private List<String> targetModules = PROJECTIONS;
        private Optimizer optimizer;
        private boolean gradientCheckpointing = true;
        private Precision precision = Precision.BF16;
        private boolean flashAttention = true;
        private long overheadBytes = 1_000_000_000L;
        private double mfu = 0.4;
        private QuantConfig quantization = QuantConfig.nf4();
        private Hardware hardware = Hardware.GPU;

        /** A model read from its {@code config.json}. */
        public Builder model(String name, ModelConfig config) {
            modelName = name;
            model = config;
            return this;
        }

        /** A reference shape by size: 1B, 3B, 7B, 8B, 13B or 70B ({@link ReferenceModels}). */
        public Builder parameters(String size) {
            ReferenceModels.Named n = ReferenceModels.of(size);
            return model(n.model(), n.config());
        }

        public Builder method(Method v) {
            method = v;
            return this;
        }

        public Builder sequenceLength(int v) {
            sequenceLength = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder rank(int v) {
            rank = v;
            return this;
        }

        public Builder targetModules(List<String> v) {
            targetModules = v;
            return this;
        }

        public Builder optimizer(Optimizer v) {
            optimizer = v;
            return this;
        }

        public Builder gradientCheckpointing(boolean v) {
            gradientCheckpointing = v;
            return this;
        }

        public Builder precision(Precision v) {
            precision = v;
            return this;
        }

        public Builder flashAttention(boolean v) {
            flashAttention = v;
            return this;
        }

        public Builder overheadBytes(long v) {
            overheadBytes = v;
            return this;
        }

        public Builder mfu(double v) {
            mfu = v;
            return this;
        }

        public Builder quantization(QuantConfig v) {
            quantization = v;
            return this;
        }

        /**
         * The machine the run holds its memory on. {@link Hardware#CPU}: this machine's RAM, with
         * {@code overheadBytes} the engine's resident size before loading (no device context).
         */
        public Builder hardware(Hardware v) {
            hardware = v;
            return this;
        }

        public Estimate build() {
            Optimizer o = optimizer != null ? optimizer
                    : method == Method.QLORA ? Optimizer.PAGED_ADAMW_8BIT : Optimizer.ADAMW_TORCH;
            return new Estimate(modelName, model, method, sequenceLength, batchSize, rank, targetModules, o,
                    gradientCheckpointing, precision, flashAttention, overheadBytes, mfu, quantization, hardware);
        }
    }
}
