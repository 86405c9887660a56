package io.tunebook.eval;

import io.tunebook.eval.client.ChatBackend;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One system {@link Evaluator} asks: a model as it is, a model with a PEFT adapter (loaded beside the
 * others on the same base and switched, never a second copy of the base), the adapter merged into the
 * weights, an adapter of a {@link LoraModel} the caller holds, or a remote OpenAI-compatible endpoint.
 */
public sealed interface Candidate {
    /** The name results are reported under; unique within an evaluation. */
    String name();

    /** A model as it is; when adapters of this evaluation sit on it, they are disabled while it answers. */
    record Model(String name, CausalLM model) implements Candidate {
        public Model {
            requireName(name);
            Objects.requireNonNull(model, "model");
        }
    }

    /** {@code base} with the PEFT adapter in {@code adapterDir}, loaded for the evaluation and freed after it. */
    record Adapter(String name, CausalLM base, Path adapterDir) implements Candidate {
        public Adapter {
            requireName(name);
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(adapterDir, "adapterDir");
        }
    }

    /** As {@link Adapter}, with the adapter merged into the base weights while it answers (and taken out after). */
    record Merged(String name, CausalLM base, Path adapterDir) implements Candidate {
        public Merged {
            requireName(name);
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(adapterDir, "adapterDir");
        }
    }

    /** Adapter {@code adapterName} of a {@link LoraModel} the caller owns; its active adapter is restored after. */
    record Lora(String name, LoraModel lora, String adapterName) implements Candidate {
        public Lora {
            requireName(name);
            Objects.requireNonNull(lora, "lora");
            if (!lora.adapters().containsKey(adapterName)) {
                throw new IllegalArgumentException("candidate " + name + ": the LoraModel has no adapter '"
                        + adapterName + "'; it has " + lora.adapters().keySet());
            }
        }
    }

    /** A chat backend, e.g. an {@link io.tunebook.eval.client.OpenAiClient}: no perplexity, the rest alike. */
    record Endpoint(String name, ChatBackend backend) implements Candidate {
        public Endpoint {
            requireName(name);
            Objects.requireNonNull(backend, "backend");
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a candidate needs a name");
        }
    }
}
