package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the tokens already seen, per layer, shaped {@code [batch, kvHeads, seq, headDim]}
 * (keys after the rotary embedding). With it each new token costs attention over the cached
 * context only, so generation grows linearly with context instead of recomputing every prefix.
 *
 * <p>Each layer's keys and values live in a buffer allocated for more positions than are cached
 * ({@link #reserve}), and a step's keys are written into it in place: a token costs a copy of its
 * own keys, not of the whole cache (growing by concatenation copied every cached key of every layer
 * at every token). A full buffer is replaced by one twice as long.
 *
 * <p>A batch's rows are right-aligned: a row shorter than the longest is left-padded, and the
 * caller masks the padding. Rows can be dropped ({@link #keepRows}) and joined ({@link #appendRows})
 * between steps, which is how {@link BatchDecoder} lets sequences leave and enter a running batch.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    /** Positions cached per layer (the layers of one step append one after the other). */
    private final int[] lengths;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.lengths = new int[layers];
    }

    /** Number of positions cached so far (padding included). */
    public int length() {
        return lengths[lengths.length - 1];
    }

    /** Number of positions cached so far for one layer (the layers of a step append in turn). */
    int length(int layer) {
        return lengths[layer];
    }

    /** Number of rows cached, 0 before the first step. */
    int rows() {
        return keys[keys.length - 1] == null ? 0 : (int) keys[keys.length - 1].getShape().get(0);
    }

    /** Positions the buffers hold before they must grow (0 before the first step). */
    int capacity() {
        return keys[0] == null ? 0 : (int) keys[0].getShape().get(2);
    }

    /**
     * {@link #reserve}, and on an empty cache zeroed float32 buffers of {@code rows} rows with room for
     * {@code positions}, for a step that writes into them in place.
     */
    void reserve(int rows, ModelConfig config, int positions) {
        if (keys[0] != null) {
            reserve(positions);
            return;
        }
        Shape shape = new Shape(rows, config.numKeyValueHeads(), 1, config.headDim());
        for (int l = 0; l < keys.length; l++) {
            keys[l] = buffer(shape, ai.djl.ndarray.types.DataType.FLOAT32, positions);
            values[l] = buffer(shape, ai.djl.ndarray.types.DataType.FLOAT32, positions);
        }
    }

    /** Makes room for {@code positions} cached positions, so that appending up to there copies nothing else. */
    void reserve(int positions) {
        if (keys[0] == null || positions <= capacity()) {
            return;
        }
        for (int l = 0; l < keys.length; l++) {
            keys[l] = regrow(keys[l], lengths[l], positions);
            values[l] = regrow(values[l], lengths[l], positions);
        }
    }

    /**
     * Writes this step's keys and values for one layer after the cached ones and returns views of
     * the whole cached sequence, on {@code k}'s manager (the step's: the views go with it).
     */
    NDList append(int layer, NDArray k, NDArray v) {
        int length = lengths[layer];
        int seq = (int) k.getShape().get(2);
        if (keys[layer] == null) {
            keys[layer] = buffer(k.getShape(), k, Math.max(seq, 1));
            values[layer] = buffer(v.getShape(), v, Math.max(seq, 1));
        } else if (length + seq > capacity(layer)) {
            int grown = Math.max(length + seq, 2 * capacity(layer));
            keys[layer] = regrow(keys[layer], length, grown);
            values[layer] = regrow(values[layer], length, grown);
        }
        int end = length + seq;
        lengths[layer] = end;
        return new NDList(write(keys[layer], length, end, k), write(values[layer], length, end, v));
    }

    /**
     * Writes {@code step} at positions {@code [from, end)} of {@code buffer} and returns the view of
     * {@code [0, end)}, all views put on {@code step}'s manager. Two splits and an in-place add: the
     * slot is still zero (buffers are made zeroed and only ever written once per position), so
     * adding writes {@code step} exactly, in three native calls where indexed assignment and
     * slicing took about twelve (one slice per dimension each).
     */
    private static NDArray write(NDArray buffer, int from, int end, NDArray step) {
        NDManager m = step.getManager();
        NDList upToEnd = buffer.split(new long[] {end}, 2);
        upToEnd.attach(m);
        NDList slot = upToEnd.get(0).split(new long[] {from}, 2);
        slot.attach(m);
        slot.get(1).addi(step);
        return upToEnd.get(0);
    }

    /** Every layer's key buffer then value buffer, {@code [batch, kvHeads, capacity, headDim]} each, for a step that writes in place. */
    NDArray[] buffers() {
        NDArray[] out = new NDArray[2 * keys.length];
        for (int l = 0; l < keys.length; l++) {
            out[2 * l] = keys[l];
            out[2 * l + 1] = values[l];
        }
        return out;
    }

    /**
     * Counts {@code positions} more cached in every layer, written into the buffers by the caller
     * (within their capacity, as {@link #reserve} made it).
     */
    void advance(int positions) {
        if (length() + positions > capacity()) {
            throw new IllegalStateException("the cache holds " + capacity() + " positions, not " + (length() + positions));
        }
        for (int l = 0; l < lengths.length; l++) {
            lengths[l] += positions;
        }
    }

    private int capacity(int layer) {
        return (int) keys[layer].getShape().get(2);
    }

    private static NDIndex positions(int from, int to) {
        return new NDIndex().addAllDim(2).addSliceDim(from, to);
    }

    /** The first {@code length} positions of {@code buffer}, a view put on {@code m}. */
    private static NDArray view(NDArray buffer, int length, NDManager m) {
        NDArray view = buffer.get(positions(0, length));
        view.attach(m);
        return view;
    }

    /** A zeroed buffer shaped like {@code like} but {@code positions} long, on this cache's manager. */
    private NDArray buffer(Shape like, NDArray dtypeOf, int positions) {
        return buffer(like, dtypeOf.getDataType(), positions);
    }

    private NDArray buffer(Shape like, ai.djl.ndarray.types.DataType type, int positions) {
        return manager.zeros(new Shape(like.get(0), like.get(1), positions, like.get(3)), type);
    }

    /** A buffer {@code positions} long holding the first {@code length} positions of {@code old} (closed). */
    private NDArray regrow(NDArray old, int length, int positions) {
        NDArray grown = buffer(old.getShape(), old, positions);
        if (length > 0) {
            try (NDArray kept = old.get(positions(0, length))) {
                grown.set(positions(0, length), kept);
            }
        }
        old.close();
        return grown;
    }

    /**
     * Replaces every layer's buffers by {@code cached} (arrays of exactly the cached positions, any
     * manager), each copied into a buffer with room for at least {@code capacity} positions.
     */
    private void refill(NDArray[] cachedKeys, NDArray[] cachedValues, int capacity) {
        for (int l = 0; l < keys.length; l++) {
            int length = (int) cachedKeys[l].getShape().get(2);
            int room = Math.max(capacity, length);
            NDArray k = buffer(cachedKeys[l].getShape(), cachedKeys[l], Math.max(room, 1));
            NDArray v = buffer(cachedValues[l].getShape(), cachedValues[l], Math.max(room, 1));
            if (length > 0) {
                k.set(positions(0, length), cachedKeys[l]);
                v.set(positions(0, length), cachedValues[l]);
            }
            if (keys[l] != null) {
                keys[l].close();
                values[l].close();
            }
            keys[l] = k;
            values[l] = v;
            lengths[l] = length;
        }
    }

    /**
     * Keeps only the given rows, in that order, without their first {@code cut} positions (columns
     * that are padding in every kept row), in one copy of what is kept; with no row left the cache is
     * empty again.
     */
    void keepRows(int[] rows, int cut) {
        if (rows.length == 0) {
            for (int l = 0; l < keys.length; l++) {
                keys[l].close();
                values[l].close();
                keys[l] = null;
                values[l] = null;
                lengths[l] = 0;
            }
            return;
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray index = rowIndex(scratch, rows);
            NDArray[] k = new NDArray[keys.length];
            NDArray[] v = new NDArray[keys.length];
            for (int l = 0; l < keys.length; l++) {
                k[l] = kept(keys[l], index, cut, lengths[l], scratch);
                v[l] = kept(values[l], index, cut, lengths[l], scratch);
            }
            refill(k, v, capacity() - cut);
        }
    }

    /** Rows {@code index} of positions {@code [cut, length)}: a split (a view) and a gather, on {@code m}. */
    private static NDArray kept(NDArray buffer, NDArray index, int cut, int length, NDManager m) {
        NDList parts = buffer.split(new long[] {cut, length}, 2);
        parts.attach(m);
        NDArray rows = parts.get(1).get(index);
        rows.attach(m);
        return rows;
    }

    private static NDArray cached(NDArray buffer, int length, NDManager m) {
        return view(buffer, length, m);
    }

    /**
     * Adds the rows of {@code other} (closed afterwards) below these, left-padding whichever is
     * shorter so that both stay right-aligned, in buffers with room for {@code capacity} positions.
     */
    void appendRows(KvCache other, int capacity) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray[] k = new NDArray[keys.length];
            NDArray[] v = new NDArray[keys.length];
            int length = Math.max(length(), other.length());
            for (int l = 0; l < keys.length; l++) {
                NDArray theirs = cached(other.keys[l], other.lengths[l], scratch);
                NDArray theirValues = cached(other.values[l], other.lengths[l], scratch);
                if (rows() == 0) {
                    k[l] = theirs;
                    v[l] = theirValues;
                } else {
                    k[l] = leftPad(cached(keys[l], lengths[l], scratch), length)
                            .concat(leftPad(theirs, length), 0);
                    v[l] = leftPad(cached(values[l], lengths[l], scratch), length)
                            .concat(leftPad(theirValues, length), 0);
                }
            }
            refill(k, v, capacity);
        }
        other.close();
    }

    /**
     * Writes row {@code fromRow} of {@code from} (its last {@code positions} cached positions) into row
     * {@code row} of this cache, ending at this cache's length, so that it stays right-aligned: a copy of
     * that row's keys and values only. The row's earlier positions keep what was there (a finished
     * sequence's keys), which the caller masks as padding, as it masks any row's left padding; positions
     * from this cache's length on are still zero in every row, as {@link #append} needs them.
     */
    void putRow(int row, KvCache from, int fromRow, int positions) {
        int length = length();
        int fromLength = from.length();
        if (positions > length || positions > fromLength) {
            throw new IllegalArgumentException("a row of " + positions + " positions does not fit in " + length);
        }
        NDIndex source = new NDIndex().addSliceDim(fromRow, fromRow + 1).addAllDim()
                .addSliceDim(fromLength - positions, fromLength);
        NDIndex target = new NDIndex().addSliceDim(row, row + 1).addAllDim().addSliceDim(length - positions, length);
        for (int l = 0; l < keys.length; l++) {
            try (NDArray k = from.keys[l].get(source); NDArray v = from.values[l].get(source)) {
                keys[l].set(target, k);
                values[l].set(target, v);
            }
        }
    }

    /**
     * Widens every row to {@code length} positions with zeros on the left (rows stay right-aligned and
     * the caller masks the new columns as padding), in buffers with room for {@code capacity}: one copy.
     */
    void widen(int length, int capacity) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray[] k = new NDArray[keys.length];
            NDArray[] v = new NDArray[keys.length];
            for (int l = 0; l < keys.length; l++) {
                k[l] = leftPad(cached(keys[l], lengths[l], scratch), length);
                v[l] = leftPad(cached(values[l], lengths[l], scratch), length);
            }
            refill(k, v, capacity);
        }
    }

    /** The given rows of this cache, in that order, as a cache of their own (a copy; this one is unchanged). */
    KvCache selectRows(int[] rows) {
        KvCache out = new KvCache(manager.getParentManager(), keys.length);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray index = rowIndex(scratch, rows);
            NDArray[] k = new NDArray[keys.length];
            NDArray[] v = new NDArray[keys.length];
            for (int l = 0; l < keys.length; l++) {
                k[l] = kept(keys[l], index, 0, lengths[l], scratch);
                v[l] = kept(values[l], index, 0, lengths[l], scratch);
            }
            out.refill(k, v, length());
        }
        return out;
    }

    private static NDArray rowIndex(NDManager m, int[] rows) {
        long[] order = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            order[i] = rows[i];
        }
        return Tensors.of(m, order, new Shape(rows.length));
    }

    /** {@code cached} widened to {@code length} positions with zeros on the left (itself when already that long). */
    private static NDArray leftPad(NDArray cached, int length) {
        Shape s = cached.getShape();
        long pad = length - s.get(2);
        if (pad == 0) {
            return cached;
        }
        NDArray zeros = cached.getManager().zeros(new Shape(s.get(0), s.get(1), pad, s.get(3)), cached.getDataType());
        return zeros.concat(cached, 2);
    }

    @Override
    public void close() {
        manager.close();
    }
}
