package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Tensors built from Java data, in memory that PyTorch owns.
 *
 * <p>On the CPU, DJL's {@code NDManager.create} wraps a JVM direct buffer without copying, and only
 * the Java wrapper keeps that buffer reachable. Autograd keeps tensors longer than the wrapper lives
 * (the ids saved for the embedding backward, for one): once the wrapper is unreachable the garbage
 * collector frees the buffer under PyTorch and the backward reads garbage. Copying once into
 * PyTorch's allocator makes the tensor independent of the JVM's garbage collector.
 *
 * <p>DJL's scalar overloads ({@code mul(Number)}, {@code div(Number)}, and {@code swish}, which uses
 * them) build their scalar the same way, and mul and div save it for the backward: in code that
 * autograd sees, multiply and divide by {@link #scalar} instead.
 */
public final class Tensors {
    private Tensors() {
    }

    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, ByteBuffer data, Shape shape, DataType type) {
        return owned(manager.create(data, shape, type));
    }

    /** A 0-d float32 tensor in PyTorch's memory, safe to keep in the autograd graph. */
    public static NDArray scalar(NDManager manager, float value) {
        return owned(manager.create(value));
    }

    /**
     * The array's values as float32: a 16-bit array (a frozen weight loaded in 16 bits) is widened
     * exactly in a scratch manager that is freed before returning.
     */
    public static float[] toFloatArray(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDManager scratch = array.getManager().newSubManager()) {
            NDArray wide = array.toType(DataType.FLOAT32, false);
            wide.attach(scratch);
            return wide.toFloatArray();
        }
    }

    private static NDArray owned(NDArray alias) {
        try (alias) {
            return alias.duplicate();
        }
    }
}
