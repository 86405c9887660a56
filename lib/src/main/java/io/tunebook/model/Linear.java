package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A dense projection {@code y = x W^T + b}, with W stored {@code [out, in]} as in PyTorch and
 * Hugging Face models. LoRA wraps these layers without touching their weights.
 *
 * <p>A frozen weight may be held in 16 bits (see {@link LoadOptions}); the forward then computes in
 * the input's dtype from a copy made for that call, as bitsandbytes' layers do.
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
        DataType type = x.getDataType();
        if (weight.getDataType() == type && (bias == null || bias.getDataType() == type)) {
            // F.linear keeps the result on x's manager, so step intermediates never land on the model's.
            return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        }
        // The copy in x's dtype is made for each call, and again for the backward (FrozenMatmul).
        return FrozenMatmul.linear(x, (m, dtype) -> as(weight, dtype, m), bias);
    }

    /**
     * The weight in {@code type}: the stored array itself when it already is (the model's: do not
     * close it), otherwise a converted copy on {@code m}.
     */
    public NDArray weightAs(DataType type, NDManager m) {
        return as(weight, type, m);
    }

    private static NDArray as(NDArray array, DataType type, NDManager m) {
        if (array.getDataType() == type) {
            return array;
        }
        NDArray converted = array.toType(type, false);
        converted.attach(m);
        return converted;
    }

    /**
     * Applies {@code inPlace} (in-place operations: {@code addi}, {@code muli}, {@code set}...) to
     * the weight in float32. A 16-bit weight is updated through a float32 copy that is rounded back
     * once, so merging an adapter into it rounds as PEFT's merge into a bf16 or fp16 base does.
     */
    public void updateWeight(Consumer<NDArray> inPlace) {
        if (weight.getDataType() == DataType.FLOAT32) {
            inPlace.accept(weight);
            return;
        }
        try (NDManager scratch = weight.getManager().newSubManager()) {
            NDArray wide = as(weight, DataType.FLOAT32, scratch);
            inPlace.accept(wide);
            weight.set(new NDIndex("..."), as(wide, weight.getDataType(), scratch));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Projection base() {
        return this;
    }

    /** The weight as held: float32, or float16 in a model loaded in 16 bits (see {@link #weightAs}). */
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
