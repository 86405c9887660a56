package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
        ByteBuffer buffer = direct((long) data.length * Long.BYTES);
        buffer.asLongBuffer().put(data);
        return consume(manager, buffer, shape, DataType.INT64);
    }

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        ByteBuffer buffer = direct((long) data.length * Float.BYTES);
        buffer.asFloatBuffer().put(data);
        return consume(manager, buffer, shape, DataType.FLOAT32);
    }

    /**
     * A native-order direct buffer of {@code bytes}: DJL would copy a Java array into one of its own
     * and leave it to the garbage collector; this one is freed as soon as PyTorch has its copy.
     */
    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    public static NDArray of(NDManager manager, ByteBuffer data, Shape shape, DataType type) {
        return owned(manager.create(data, shape, type));
    }

    /**
     * {@link #of(NDManager, ByteBuffer, Shape, DataType)} for a direct buffer the caller allocated
     * for this tensor alone, which is freed as soon as it is copied: the JVM frees direct memory only
     * when the buffer object is garbage collected, so a load that passes gigabytes of quantized
     * codes through such buffers would otherwise hold up to {@code -Xmx} of them resident. The
     * buffer must not be used afterwards.
     */
    public static NDArray consume(NDManager manager, ByteBuffer data, Shape shape, DataType type) {
        try {
            return of(manager, data, shape, type);
        } finally {
            free(data);
        }
    }

    private static void free(ByteBuffer buffer) {
        if (!buffer.isDirect() || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A view or an already freed buffer: the garbage collector frees it as before.
        }
    }

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method cleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            cleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // No jdk.unsupported: buffers are left to the garbage collector.
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
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
