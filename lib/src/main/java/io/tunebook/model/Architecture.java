package io.tunebook.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The decoder-only architectures tunebook runs. They share one implementation ({@link Transformer});
 * what differs is captured by the flags here and by {@link ModelConfig}.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama", false, false),
    MISTRAL("MistralForCausalLM", "mistral", false, false),
    /** Qwen2 and Qwen2.5 always have biases on the q, k and v projections. */
    QWEN2("Qwen2ForCausalLM", "qwen2", true, false),
    /** Qwen3 normalises each query and key head with an RMSNorm before the rotary embedding. */
    QWEN3("Qwen3ForCausalLM", "qwen3", false, true);

    private final String hfClass;
    private final String modelType;
    private final boolean alwaysQkvBias;
    private final boolean qkNorm;

    Architecture(String hfClass, String modelType, boolean alwaysQkvBias, boolean qkNorm) {
        this.hfClass = hfClass;
        this.modelType = modelType;
        this.alwaysQkvBias = alwaysQkvBias;
        this.qkNorm = qkNorm;
    }

    /** The class name Hugging Face writes in {@code config.json}'s {@code architectures}. */
    public String hfClass() {
        return hfClass;
    }

    /** The {@code model_type} of {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    public boolean alwaysQkvBias() {
        return alwaysQkvBias;
    }

    public boolean qkNorm() {
        return qkNorm;
    }

    public static Optional<Architecture> fromHfClass(String name) {
        return Arrays.stream(values()).filter(a -> a.hfClass.equals(name)).findFirst();
    }

    /** The supported class names, for error messages. */
    public static String supportedList() {
        return Arrays.stream(values()).map(Architecture::hfClass).collect(Collectors.joining(", "));
    }
}
