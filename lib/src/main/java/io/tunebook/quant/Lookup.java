package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/** Decoding stored byte codes through a table: one gather, the embedding lookup. */
final class Lookup {
    private Lookup() {
    }

    /**
     * {@code table[codes[i]]} for every stored byte, as {@code [codes, table columns]} on {@code m}.
     * The index conversion is moved to {@code m} at once: an op's result lands on its operand's
     * manager, and the stored codes live on the quantized tensor's.
     */
    static NDArray rows(NDArray codes, NDArray table, NDManager m) {
        NDArray idx = codes.toType(DataType.INT64, false);
        idx.attach(m);
        return idx.getNDArrayInternal().embedding(idx, table, SparseFormat.DENSE).singletonOrThrow();
    }
}
