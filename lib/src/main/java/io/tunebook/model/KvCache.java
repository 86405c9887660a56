package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the tokens already seen, per layer, shaped {@code [batch, kvHeads, seq, headDim]}
 * (keys after the rotary embedding). With it each new token costs attention over the cached
 * context only, so generation grows linearly with context instead of recomputing every prefix.
 *
 * <p>A batch's rows are right-aligned: a row shorter than the longest is left-padded, and the
 * caller masks the padding. Rows can be dropped ({@link #keepRows}) and joined ({@link #appendRows})
 * between steps, which is how {@link BatchDecoder} lets sequences leave and enter a running batch.
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

    /** Number of positions cached so far (padding included). */
    public int length() {
        return keys[keys.length - 1] == null ? 0 : (int) keys[keys.length - 1].getShape().get(2);
    }

    /** Number of rows cached, 0 before the first step. */
    int rows() {
        return keys[keys.length - 1] == null ? 0 : (int) keys[keys.length - 1].getShape().get(0);
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

    /** Keeps only the given rows, in that order; with none left the cache is empty again. */
    void keepRows(int[] rows) {
        for (int l = 0; l < keys.length; l++) {
            keys[l] = select(keys[l], rows);
            values[l] = select(values[l], rows);
        }
    }

    private NDArray select(NDArray cached, int[] rows) {
        NDArray kept = null;
        if (rows.length > 0) {
            NDList slices = new NDList();
            for (int r : rows) {
                slices.add(cached.get(r + ":" + (r + 1)));
            }
            kept = slices.size() == 1 ? slices.get(0).duplicate() : NDArrays.concat(slices, 0);
            kept.attach(manager);
            slices.close();
        }
        cached.close();
        return kept;
    }

    /** Drops the first {@code n} positions of every row (columns that are padding in all rows). */
    void dropLeft(int n) {
        if (n == 0) {
            return;
        }
        for (int l = 0; l < keys.length; l++) {
            keys[l] = replace(keys[l], withoutLeft(keys[l], n));
            values[l] = replace(values[l], withoutLeft(values[l], n));
        }
    }

    private static NDArray withoutLeft(NDArray cached, int n) {
        try (NDArray view = cached.get(":, :, " + n + ":")) {
            return view.duplicate();
        }
    }

    /**
     * Adds the rows of {@code other} (closed afterwards) below these, left-padding whichever is
     * shorter so that both stay right-aligned.
     */
    void appendRows(KvCache other) {
        if (rows() == 0) {
            for (int l = 0; l < keys.length; l++) {
                keys[l] = adopt(other.keys[l]);
                values[l] = adopt(other.values[l]);
            }
            other.close();
            return;
        }
        int length = Math.max(length(), other.length());
        for (int l = 0; l < keys.length; l++) {
            keys[l] = replace(keys[l], stack(keys[l], other.keys[l], length));
            values[l] = replace(values[l], stack(values[l], other.values[l], length));
        }
        other.close();
    }

    private static NDArray stack(NDArray top, NDArray bottom, int length) {
        NDArray a = leftPad(top, length);
        NDArray b = leftPad(bottom, length);
        NDArray stacked = a.concat(b, 0);
        if (a != top) {
            a.close();
        }
        if (b != bottom) {
            b.close();
        }
        return stacked;
    }

    private NDArray adopt(NDArray array) {
        array.attach(manager);
        return array;
    }

    /** {@code cached} widened to {@code length} positions with zeros on the left (itself when already that long). */
    private static NDArray leftPad(NDArray cached, int length) {
        Shape s = cached.getShape();
        long pad = length - s.get(2);
        if (pad == 0) {
            return cached;
        }
        try (NDArray zeros = cached.getManager().zeros(new Shape(s.get(0), s.get(1), pad, s.get(3)),
                cached.getDataType())) {
            return zeros.concat(cached, 2);
        }
    }

    /** Puts {@code next} on this cache's manager and frees {@code old} (which it may have been derived from). */
    private NDArray replace(NDArray old, NDArray next) {
        next.attach(manager);
        if (next != old) {
            old.close();
        }
        return next;
    }

    @Override
    public void close() {
        manager.close();
    }
}
