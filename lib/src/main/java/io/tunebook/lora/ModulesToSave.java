package io.tunebook.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A module trained in full, PEFT's {@code ModulesToSaveWrapper}: each adapter owns a trainable copy
 * of the original dense layer, used while that adapter is active; the original stays frozen.
 */
final class ModulesToSave implements Projection {
    private final Projection original;
    private final AdapterState state;
    private final Map<String, Linear> copies = new LinkedHashMap<>();

    ModulesToSave(Projection original, AdapterState state) {
        this.original = original;
        this.state = state;
    }

    @Override
    public NDArray forward(NDArray x) {
        Linear copy = state.activeIn(copies);
        return (copy == null ? original : copy).forward(x);
    }

    @Override
    public String name() {
        return original.name();
    }

    @Override
    public Projection base() {
        return original.base();
    }

    Projection original() {
        return original;
    }

    @Override
    public long inFeatures() {
        return original.inFeatures();
    }

    @Override
    public long outFeatures() {
        return original.outFeatures();
    }

    /** Gives {@code adapter} its own copy of the original weights, on {@code manager}. */
    void addCopy(String adapter, NDManager manager) {
        if (!(original instanceof Linear linear)) {
            throw new LoraException("modulesToSave: " + name() + " is a " + original.getClass().getSimpleName()
                    + " layer; only dense layers can be trained in full");
        }
        // The copy trains, so it is float32 even when the frozen original is held in 16 bits.
        NDArray weight = linear.weight().getDataType() == DataType.FLOAT32 ? linear.weight().duplicate()
                : linear.weight().toType(DataType.FLOAT32, false);
        weight.attach(manager);
        NDArray bias = linear.bias().map(NDArray::duplicate).orElse(null);
        if (bias != null) {
            bias.attach(manager);
        }
        copies.put(adapter, new Linear(name(), weight, bias));
    }

    Linear copy(String adapter) {
        return copies.get(adapter);
    }

    Set<String> adapterNames() {
        return copies.keySet();
    }

    void remove(String adapter) {
        Linear copy = copies.remove(adapter);
        if (copy != null) {
            copy.weight().close();
            copy.bias().ifPresent(NDArray::close);
        }
    }

    void close() {
        for (String adapter : Set.copyOf(copies.keySet())) {
            remove(adapter);
        }
    }
}
