package io.tunebook.lora;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One adapter's settings, named as PEFT's {@code LoraConfig}: the update {@code ΔW = scaling·B·A}
 * with A {@code [r, in]}, B {@code [out, r]} and {@code scaling = alpha / r} (or {@code alpha / √r}
 * with rsLoRA). Immutable and validated; build with {@link #builder()}, whose defaults are the
 * seeds' recipe: r 16, alpha 32, dropout 0.05 on q/k/v/o (PEFT's own defaults are r 8, alpha 8).
 *
 * @param r rank of the update
 * @param alpha {@code lora_alpha}
 * @param dropout probability of zeroing an input of the adapter path while training
 * @param targetModules the linear modules that get an adapter
 * @param bias which base biases train with the adapter
 * @param useRslora scale by {@code alpha / √r} (rank-stabilised LoRA) instead of {@code alpha / r}
 * @param useDora decompose the weight into magnitude and direction (DoRA); the magnitude vector trains too
 * @param initLoraWeights how A and B start
 * @param modulesToSave linear modules trained in full (a trainable copy per adapter), e.g. {@code lm_head}
 * @param layersToTransform only these decoder layers get adapters; empty means all
 * @param baseModelNameOrPath written to {@code adapter_config.json} so tools find the base model; may be null
 * @param seed seeds A and B (Java's generator, the same on every machine); tunebook's own, not saved
 */
public record LoraConfig(
        int r,
        double alpha,
        double dropout,
        TargetModules targetModules,
        LoraBias bias,
        boolean useRslora,
        boolean useDora,
        LoraInit initLoraWeights,
        List<String> modulesToSave,
        List<Integer> layersToTransform,
        String baseModelNameOrPath,
        long seed) {

    public LoraConfig {
        check(r > 0, "r must be a positive rank, got " + r);
        check(alpha > 0 && Double.isFinite(alpha), "alpha must be positive, got " + alpha);
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        Objects.requireNonNull(targetModules, "targetModules");
        Objects.requireNonNull(bias, "bias");
        Objects.requireNonNull(initLoraWeights, "initLoraWeights");
        modulesToSave = List.copyOf(modulesToSave);
        layersToTransform = List.copyOf(layersToTransform);
        for (int layer : layersToTransform) {
            check(layer >= 0, "layersToTransform holds a negative layer index " + layer);
        }
        for (String m : modulesToSave) {
            check(!m.isBlank(), "modulesToSave contains a blank module name");
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The factor applied to {@code B·A}: {@code alpha / r}, or {@code alpha / √r} with rsLoRA. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    public Optional<String> baseModel() {
        return Optional.ofNullable(baseModelNameOrPath);
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder().r(r).alpha(alpha).dropout(dropout).targetModules(targetModules).bias(bias)
                .useRslora(useRslora).useDora(useDora).initLoraWeights(initLoraWeights)
                .modulesToSave(modulesToSave).layersToTransform(layersToTransform)
                .baseModelNameOrPath(baseModelNameOrPath).seed(seed);
    }

    /** The config of a PEFT adapter directory, read from its {@code adapter_config.json}. */
    public static LoraConfig ofAdapter(java.nio.file.Path adapterDir) {
        java.nio.file.Path file = adapterDir.resolve(AdapterConfigJson.FILE);
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new LoraException(adapterDir + " holds no " + AdapterConfigJson.FILE
                    + " (a PEFT adapter directory, such as a run's adapter/)");
        }
        return AdapterConfigJson.read(file);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int r = 16;
        private double alpha = 32;
        private double dropout = 0.05;
        private TargetModules targetModules = TargetModules.names("q_proj", "k_proj", "v_proj", "o_proj");
        private LoraBias bias = LoraBias.NONE;
        private boolean useRslora;
        private boolean useDora;
        private LoraInit initLoraWeights = LoraInit.KAIMING_UNIFORM;
        private List<String> modulesToSave = List.of();
        private List<Integer> layersToTransform = List.of();
        private String baseModelNameOrPath;
        private long seed = 42;

        private Builder() {
        }

        public Builder r(int r) {
            this.r = r;
            return this;
        }

        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        public Builder targetModules(TargetModules targetModules) {
            this.targetModules = targetModules;
            return this;
        }

        /** Module names such as {@code "q_proj", "v_proj"}, or the single value {@code "all-linear"}. */
        public Builder targetModules(String... names) {
            this.targetModules = names.length == 1 && names[0].equals(TargetModules.ALL_LINEAR)
                    ? TargetModules.allLinear() : TargetModules.names(names);
            return this;
        }

        public Builder bias(LoraBias bias) {
            this.bias = bias;
            return this;
        }

        public Builder useRslora(boolean useRslora) {
            this.useRslora = useRslora;
            return this;
        }

        public Builder useDora(boolean useDora) {
            this.useDora = useDora;
            return this;
        }

        public Builder initLoraWeights(LoraInit initLoraWeights) {
            this.initLoraWeights = initLoraWeights;
            return this;
        }

        public Builder modulesToSave(List<String> modulesToSave) {
            this.modulesToSave = modulesToSave;
            return this;
        }

        public Builder modulesToSave(String... modulesToSave) {
            return modulesToSave(List.of(modulesToSave));
        }

        public Builder layersToTransform(List<Integer> layersToTransform) {
            this.layersToTransform = layersToTransform;
            return this;
        }

        public Builder layersToTransform(Integer... layers) {
            return layersToTransform(List.of(layers));
        }

        public Builder baseModelNameOrPath(String baseModelNameOrPath) {
            this.baseModelNameOrPath = baseModelNameOrPath;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public LoraConfig build() {
            return new LoraConfig(r, alpha, dropout, targetModules, bias, useRslora, useDora, initLoraWeights,
                    modulesToSave, layersToTransform, baseModelNameOrPath, seed);
        }
    }
}
