package io.tunebook.model.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors header: its name, element type, shape and byte range.
 *
 * <p>{@code begin} and {@code end} are relative to the start of the file's data section, not to
 * the start of the file. An entry is always self-consistent: the range holds exactly
 * {@code numel() * dtype.byteSize()} bytes.
 *
 * @param name  tensor name, e.g. {@code "model.layers.0.mlp.up_proj.weight"}
 * @param dtype element type
 * @param shape dimensions, outermost first; empty for a scalar
 * @param begin first byte, inclusive
 * @param end   last byte, exclusive
 */
public record TensorEntry(String name, Dtype dtype, long[] shape, long begin, long end) {

    /**
     * @throws IllegalArgumentException if a dimension is negative, the range is reversed or
     *     negative, or its length does not match the shape and dtype
     */
    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone(); // a record must not share a mutable array with its caller
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("invalid byte range [" + begin + ", " + end + ")");
        }
        long bytes = byteCount(dtype, shape);
        if (bytes != end - begin) {
            throw new IllegalArgumentException("shape " + Quote.shape(shape) + " of " + dtype
                    + " needs " + bytes + " bytes but the range holds " + (end - begin));
        }
    }

    /** A copy of the dimensions. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements: the product of the dimensions, 1 for a scalar. */
    public long numel() {
        return numel(shape);
    }

    /** Length of the byte range. */
    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype
                && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Quote.shape(shape) + " @[" + begin + ", " + end + ")";
    }

    /**
     * Product of {@code shape}.
     *
     * @throws IllegalArgumentException if a dimension is negative
     * @throws ArithmeticException if the product overflows a long
     */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Quote.shape(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes needed by a tensor of this dtype and shape; same exceptions as {@link #numel(long[])}. */
    static long byteCount(Dtype dtype, long[] shape) {
        return Math.multiplyExact(numel(shape), dtype.byteSize());
    }
}
