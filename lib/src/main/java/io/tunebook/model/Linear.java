package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * A dense projection {@code y = x W^T + b}, with W stored {@code [out, in]} as in PyTorch and
 * Hugging Face checkpoints. LoRA wraps these layers without touching their weights.
 */
public class Linear implements Projection {
    private final String name;
    private final NDArray weight;
    private final NDArray bias;

    /** @param name the module path in Hugging Face naming, e.g. {@code model.layers.0.self_attn.q_proj} */
    public Linear(String name, NDArray weight, NDArray bias) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x) {
        // F.linear keeps the result on x's manager, so step intermediates never land on the model's.
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Projection base() {
        return this;
    }

    public NDArray weight() {
        return weight;
    }

    public Optional<NDArray> bias() {
        return Optional.ofNullable(bias);
    }

    @Override
    public long inFeatures() {
        return weight.getShape().get(1);
    }

    @Override
    public long outFeatures() {
        return weight.getShape().get(0);
    }
}
