package io.tunebook.lora;

import static io.tunebook.lora.BaseWeight.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;
import io.tunebook.model.ScriptedOps;
import io.tunebook.model.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A frozen projection with LoRA adapters beside it, PEFT's {@code lora.Linear}: the output is
 * {@code base(x) + scaling·B(A(dropout(x)))} for the active adapter, or with DoRA
 * {@code base(x) + (m/‖W + scaling·BA‖ − 1)·x'Wᵀ + m/‖W + scaling·BA‖·scaling·B(A(x'))} where
 * {@code x' = dropout(x)} and the norm is detached. The wrapped layer is only called through
 * {@link Projection}, so it may be quantized; merging needs a dense {@link Linear}.
 */
final class LoraLinear implements Projection {
    private final Projection wrapped;
    private final AdapterState state;
    private final Map<String, LoraWeights> adapters = new LinkedHashMap<>();
    private String merged;
    private float[] mergedDoraFactor;

    LoraLinear(Projection wrapped, AdapterState state) {
        this.wrapped = wrapped;
        this.state = state;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray result = wrapped.forward(x);
        LoraWeights w = merged == null ? state.activeIn(adapters) : null;
        if (w == null) {
            return result;
        }
        NDManager m = x.getManager();
        boolean drop = w.dropout() > 0 && state.dropoutActive();
        NDArray input = drop ? ScriptedOps.dropout(x, w.dropout()) : x;
        // scaling·B(A(x)) as B(scaling·A(x)): the same product, scaled at rank width (16 values a token
        // for r 16) instead of at the output's, forward and backward.
        NDArray lora = linear(linear(input, w.a()).mul(Tensors.scalar(m, w.scaling())), w.b());
        if (!w.dora()) {
            return result.add(lora);
        }
        NDArray scale = on(m, w.magnitude().div(w.columnNorms(wrapped, m)));
        NDArray plain = drop ? wrapped.forward(input) : result;
        NDArray bias = BaseWeight.bias(wrapped, m);
        if (bias != null) {
            plain = plain.sub(bias);
        }
        return result.add(plain.mul(scale.sub(Tensors.scalar(m, 1f)))).add(lora.mul(scale));
    }

    private static NDArray linear(NDArray x, NDArray weight) {
        return ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow();
    }

    @Override
    public String name() {
        return wrapped.name();
    }

    @Override
    public Projection base() {
        return wrapped.base();
    }

    /** The layer this one wraps, which unloading puts back. */
    Projection wrapped() {
        return wrapped;
    }

    @Override
    public long inFeatures() {
        return wrapped.inFeatures();
    }

    @Override
    public long outFeatures() {
        return wrapped.outFeatures();
    }

    void add(String adapter, LoraWeights weights) {
        adapters.put(adapter, weights);
    }

    LoraWeights weights(String adapter) {
        return adapters.get(adapter);
    }

    Set<String> adapterNames() {
        return adapters.keySet();
    }

    /** Removes and frees one adapter's matrices. */
    void remove(String adapter) {
        LoraWeights w = adapters.remove(adapter);
        if (w != null) {
            w.close();
        }
    }

    String merged() {
        return merged;
    }

    /** Adds {@code adapter}'s update into the dense base weight (DoRA: rescales its rows too); no-op if it has none here. */
    void merge(String adapter) {
        LoraWeights w = adapters.get(adapter);
        if (w == null) {
            return;
        }
        Linear dense = denseBase();
        try (NDManager s = dense.weight().getManager().newSubManager()) {
            NDArray delta = on(s, w.deltaTransposed(s).transpose());
            if (w.dora()) {
                NDArray factor = on(s, w.magnitude().div(w.columnNorms(wrapped, s)));
                mergedDoraFactor = factor.toFloatArray();
                NDArray rows = factor.reshape(outFeatures(), 1);
                dense.updateWeight(weight -> weight.addi(delta).muli(rows));
            } else {
                dense.updateWeight(weight -> weight.addi(delta));
            }
        }
        merged = adapter;
    }

    /**
     * Takes the merged adapter's update back out of the base weight: equal to before up to float32
     * rounding, or up to float16 rounding (twice) for a base held in 16 bits.
     */
    void unmerge() {
        if (merged == null) {
            return;
        }
        LoraWeights w = adapters.get(merged);
        Linear dense = denseBase();
        try (NDManager s = dense.weight().getManager().newSubManager()) {
            NDArray factor = w.dora() ? Tensors.of(s, mergedDoraFactor, new Shape(outFeatures(), 1)) : null;
            NDArray delta = on(s, w.deltaTransposed(s).transpose());
            dense.updateWeight(weight -> {
                if (factor != null) {
                    weight.divi(factor);
                }
                weight.subi(delta);
            });
        }
        merged = null;
        mergedDoraFactor = null;
    }

    private Linear denseBase() {
        if (wrapped instanceof Linear linear) {
            return linear;
        }
        throw new LoraException(name() + ": cannot merge an adapter into a " + wrapped.getClass().getSimpleName()
                + " layer; merging needs a dense Linear base (load the model unquantized to merge)");
    }

    void close() {
        adapters.values().forEach(LoraWeights::close);
        adapters.clear();
    }
}
