package io.tunebook.plan;

import io.tunebook.model.Architecture;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.RopeScaling;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The shapes of well-known open models, so that a parameter count ("8B") is enough to plan: the
 * layer count, widths and vocabulary of each model's published {@code config.json}.
 */
public final class ReferenceModels {
    private static final Map<String, Named> BY_SIZE = new LinkedHashMap<>();

    /** A reference shape and the model it is taken from. */
    public record Named(String model, ModelConfig config) {
    }

    static {
        add("1B", "Llama 3.2 1B", llama(128256, 2048, 8192, 16, 32, 8, 64, true));
        add("3B", "Llama 3.2 3B", llama(128256, 3072, 8192, 28, 24, 8, 128, true));
        add("7B", "Mistral 7B", new ModelConfig(Architecture.MISTRAL, 32000, 4096, 14336, 32, 32, 8, 128, 1e-5,
                10000, RopeScaling.NONE, 32768, false, false, false, OptionalInt.of(4096), OptionalInt.of(1), List.of(2),
                "bfloat16"));
        add("8B", "Llama 3 8B", llama(128256, 4096, 14336, 32, 32, 8, 128, false));
        add("13B", "Llama 2 13B", llama(32000, 5120, 13824, 40, 40, 40, 128, false));
        add("70B", "Llama 3 70B", llama(128256, 8192, 28672, 80, 64, 8, 128, false));
    }

    private ReferenceModels() {
    }

    private static void add(String size, String model, ModelConfig config) {
        BY_SIZE.put(size, new Named(model, config));
    }

    private static ModelConfig llama(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads,
            int headDim, boolean tied) {
        return new ModelConfig(Architecture.LLAMA, vocab, hidden, intermediate, layers, heads, kvHeads, headDim, 1e-5,
                500000, RopeScaling.NONE, 8192, tied, false, false, OptionalInt.empty(), OptionalInt.of(1), List.of(2),
                "bfloat16");
    }

    /** The reference model for a size such as {@code 8B} or {@code 70b}. */
    public static Named of(String size) {
        Named n = BY_SIZE.get(size.trim().toUpperCase(Locale.ROOT));
        if (n == null) {
            throw new IllegalArgumentException("no reference shape for '" + size + "'; known sizes: "
                    + String.join(", ", BY_SIZE.keySet()) + " (or give the model's config.json)");
        }
        return n;
    }

    public static List<String> sizes() {
        return List.copyOf(BY_SIZE.keySet());
    }
}
