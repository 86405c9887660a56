package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the tokens already seen, per layer, shaped {@code [batch, kvHeads, seq, headDim]}
 * (keys after the rotary embedding). With it each new token costs attention over the cached
 * context only, so generation grows linearly with context instead of recomputing every prefix.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions cached so far. */
    public int length() {
        return keys[keys.length - 1] == null ? 0 : (int) keys[keys.length - 1].getShape().get(2);
    }

    /** Appends this step's keys and values for one layer and returns the whole cached sequence. */
    NDList append(int layer, NDArray k, NDArray v) {
        keys[layer] = grow(keys[layer], k);
        values[layer] = grow(values[layer], v);
        return new NDList(keys[layer], values[layer]);
    }

    private NDArray grow(NDArray cached, NDArray step) {
        if (cached == null) {
            NDArray copy = step.duplicate();
            copy.attach(manager);
            return copy;
        }
        NDArray grown = cached.concat(step, 2);
        cached.close();
        return grown;
    }

    @Override
    public void close() {
        manager.close();
    }
}
